package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.sink.RedisStreamSinkOptions;
import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;

/** The builders validate once, with messages that name the bad value. */
class BuildersTest {
    private static final RedisConnectionConfig CONN = RedisConnectionConfig.builder().host("127.0.0.1").port(16379).build();

    @Test
    void connectionConfigHasDefaultsAndHidesThePassword() {
        RedisConnectionConfig conn = RedisConnectionConfig.builder().host("h").user("u").password("secret").ssl(true).build();

        assertThat(conn.port()).isEqualTo(RedisConnectionConfig.DEFAULT_PORT);
        assertThat(conn.address()).isEqualTo("rediss://h:6379");
        assertThat(conn.toString()).contains("user=u").doesNotContain("secret");
        assertThatThrownBy(() -> RedisConnectionConfig.builder().host("h").port(0).build())
                .hasMessageContaining("port").hasMessageContaining("0");
        assertThatThrownBy(() -> RedisConnectionConfig.builder().build()).hasMessageContaining("host");
    }

    @Test
    void aClusterConnectionTakesSeedNodesInsteadOfAHost() {
        RedisConnectionConfig conn = RedisConnectionConfig.builder().clusterNodes(List.of("10.0.0.1:7000", "[::1]:7001")).build();

        assertThat(conn.isCluster()).isTrue();
        assertThat(conn.address()).isEqualTo("redis://10.0.0.1:7000,[::1]:7001 (cluster)");
        assertThat(CONN.isCluster()).isFalse();
        assertThatThrownBy(() -> RedisConnectionConfig.builder().host("h").clusterNodes(List.of("h:7000")).build())
                .hasMessageContaining("either host h or clusterNodes [h:7000]");
        assertThatThrownBy(() -> RedisConnectionConfig.builder().clusterNodes(List.of("h:7000", "h7001")).build())
                .hasMessageContaining("host:port, was h7001");
        assertThatThrownBy(() -> RedisConnectionConfig.builder().clusterNodes(List.of("h:70000")).build())
                .hasMessageContaining("h:70000");
        assertThatThrownBy(() -> RedisConnectionConfig.builder().clusterNodes(List.of("h:7000")).database(2).build())
                .hasMessageContaining("only database 0");
    }

    @Test
    void tlsTakesOneSourceOfTrustAndOfClientIdentityAndHidesPasswords() {
        RedisTlsConfig tls = RedisTlsConfig.builder().trustStore("/etc/t.p12", "trust-pw").keyStore("/etc/k.p12", "key-pw").build();
        RedisConnectionConfig conn = RedisConnectionConfig.builder().host("h").tls(tls).build();

        assertThat(conn.ssl()).isTrue();
        assertThat(conn.address()).isEqualTo("rediss://h:6379");
        assertThat(tls.verifyHostname()).isTrue();
        assertThat(conn.toString()).contains("/etc/t.p12").doesNotContain("trust-pw").doesNotContain("key-pw");
        assertThatThrownBy(() -> RedisTlsConfig.builder().trustStore("/t", null).caCertificates("/ca.crt").build())
                .hasMessageContaining("either trustStore /t or caCertificates /ca.crt");
        assertThatThrownBy(() -> RedisTlsConfig.builder().keyStore("/k", null).clientCertificate("/c.crt", "/c.key").build())
                .hasMessageContaining("either keyStore /k or clientCertificate /c.crt");
        assertThatThrownBy(() -> RedisTlsConfig.builder().clientCertificate("/c.crt", null).build())
                .hasMessageContaining("both the certificate and the key");
    }

    @Test
    void sourceBuilderNamesWhatIsMissingOrWrong() {
        assertThatThrownBy(() -> RedisStreamSource.<Map<String, String>>builder()
                        .setConnection(CONN).setGroup("g").setDeserializer(RedisStreamDeserializer.fieldMap()).build())
                .hasMessageContaining("setStreams");
        assertThatThrownBy(() -> RedisStreamSource.<Map<String, String>>builder()
                        .setConnection(CONN).setGroup("g").setDeserializer(RedisStreamDeserializer.fieldMap())
                        .setStreams(List.of("a", "b", "a")).build())
                .hasMessageContaining("a is listed twice");
        assertThatThrownBy(() -> RedisStreamSource.<Map<String, String>>builder()
                        .setConnection(CONN).setGroup("g").setDeserializer(RedisStreamDeserializer.fieldMap())
                        .setStreams(List.of("a")).setOption(RedisStreamSourceOptions.FETCH_BLOCK, Duration.ZERO).build())
                .hasMessageContaining("redis.source.fetch.block");
        assertThatThrownBy(() -> RedisStreamSource.<Map<String, String>>builder()
                        .setConnection(CONN).setGroup("g").setDeserializer(RedisStreamDeserializer.fieldMap())
                        .setStreams(List.of("a")).setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(1)).build())
                .hasMessageContaining("redis.retry.max-backoff");

        RedisStreamSource<Map<String, String>> source = RedisStreamSource.<Map<String, String>>builder()
                .setConnection(CONN).setGroup("g").setDeserializer(RedisStreamDeserializer.fieldMap())
                .setStreams(List.of("a", "b")).build();
        assertThat(source.getProducedType().toString()).contains("Map");
    }

    @Test
    void sinkBuilderNamesWhatIsMissingOrWrong() {
        assertThatThrownBy(() -> RedisStreamSink.<String>builder().setConnection(CONN).build())
                .hasMessageContaining("setSerializer");
        assertThatThrownBy(() -> RedisStreamSink.<String>builder().setConnection(CONN)
                        .setSerializer(s -> new RedisStreamEntry("out", Map.of("v", s))).setMaxLength(-1).build())
                .hasMessageContaining("redis.sink.max-length").hasMessageContaining("-1");
        assertThatThrownBy(() -> RedisStreamSink.<String>builder().setConnection(CONN)
                        .setSerializer(s -> new RedisStreamEntry("out", Map.of("v", s)))
                        .setOption(RedisStreamSinkOptions.BATCH_SIZE, 2000).build())
                .hasMessageContaining("redis.sink.max-buffered-entries (2000) must be more than redis.sink.batch-size (2000)");
    }

    @Test
    void anEntryNeedsAFieldAndKeepsTheFieldOrder() {
        assertThatThrownBy(() -> new RedisStreamEntry("s", Map.of())).hasMessageContaining("at least one field");
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("url", "u");
        fields.put("task", "t");
        fields.put("depth", "0");

        assertThat(new RedisStreamEntry("s", fields).fields().keySet()).containsExactly("url", "task", "depth");
    }
}
