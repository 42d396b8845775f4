package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TlsCertificates;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * Source and sink over TLS to a redis-server with a TLS port that requires client certificates,
 * with certificates made for the test; TLS failures fail the job at once and say what to check.
 */
class RedisTlsITCase {
    @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.withTls();

    @RegisterExtension static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster();

    private static final Duration TIMEOUT = Duration.ofSeconds(25);

    @RegisterExtension final RunningJobs jobs = new RunningJobs();

    /** Over the plain port, for the test's own checks. */
    private final RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port());

    @AfterEach
    void stop() throws Exception {
        redis.close();
    }

    @Test
    void copiesWithATrustStoreAndAKeyStoreVerifyingTheHostName() throws Exception {
        for (int i = 0; i < 50; i++) {
            redis.xadd("tls:in", StreamEntryID.NEW_ENTRY, Map.of("i", String.valueOf(i)));
        }
        TlsCertificates certs = REDIS.certificates();
        RedisConnectionConfig connection = tlsConnection("localhost", RedisTlsConfig.builder()
                .trustStore(certs.trustStore().toString(), TlsCertificates.PASSWORD)
                .keyStore(certs.clientKeyStore().toString(), TlsCertificates.PASSWORD)
                .build());
        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(1);
        env.fromSource(source(connection), WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(RedisStreamSink.<Map<String, String>>builder()
                        .setConnection(connection)
                        .setSerializer(fields -> new RedisStreamEntry("tls:out", fields))
                        .build());
        jobs.start(env, "tls copy");

        await().atMost(TIMEOUT).until(() -> redis.xlen("tls:out") == 50 && redis.xlen("tls:in") == 0);
        assertThat(redis.xrange("tls:out", "-", "+")).extracting(e -> e.getFields().get("i"))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 50).mapToObj(String::valueOf).toList());
    }

    @Test
    void writesWithPemFilesWhenTheHostNameIsNotVerified() throws Exception {
        TlsCertificates certs = REDIS.certificates();
        RedisConnectionConfig connection = tlsConnection("127.0.0.1", RedisTlsConfig.builder()
                .caCertificates(certs.caCertificate().toString())
                .clientCertificate(certs.clientCertificate().toString(), certs.clientKey().toString())
                .verifyHostname(false)
                .build());
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        env.fromData(IntStream.range(0, 30).boxed().collect(Collectors.toList()))
                .sinkTo(RedisStreamSink.<Integer>builder()
                        .setConnection(connection)
                        .setSerializer(i -> new RedisStreamEntry("tls:pem", Map.of("i", String.valueOf(i))))
                        .build());

        env.execute("pem");

        assertThat(redis.xlen("tls:pem")).isEqualTo(30);
    }

    @Test
    void aHostNameTheCertificateDoesNotNameFailsTheSourceAtOnce() {
        TlsCertificates certs = REDIS.certificates();
        RedisConnectionConfig connection = tlsConnection("127.0.0.1", RedisTlsConfig.builder()
                .caCertificates(certs.caCertificate().toString())
                .clientCertificate(certs.clientCertificate().toString(), certs.clientKey().toString())
                .build());
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        env.fromSource(source(connection), WatermarkStrategy.noWatermarks(), "redis source")
                .map(Map::toString)
                .sinkTo(new CollectingSink("tls-host"));

        assertFailsAtOnceWith(env, "TLS with rediss://127.0.0.1:" + REDIS.tlsPort(), "127.0.0.1");
    }

    @Test
    void withoutAClientCertificateTheSinkFailsAtOnce() {
        RedisConnectionConfig connection = tlsConnection("localhost", RedisTlsConfig.builder()
                .caCertificates(REDIS.certificates().caCertificate().toString())
                .build());

        assertFailsAtOnceWith(sinkJob(connection), "TLS with rediss://localhost:" + REDIS.tlsPort(), "certificate_required");
    }

    @Test
    void aMissingCertificateFileFailsAtOnceAndNamesIt() {
        RedisConnectionConfig connection = tlsConnection("localhost", RedisTlsConfig.builder()
                .caCertificates("/nonexistent/ca.crt")
                .build());

        assertFailsAtOnceWith(sinkJob(connection), "TLS setup for rediss://localhost:" + REDIS.tlsPort(), "/nonexistent/ca.crt");
    }

    private static StreamExecutionEnvironment sinkJob(RedisConnectionConfig connection) {
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        RedisTestJobs.endless(env)
                .sinkTo(RedisStreamSink.<Long>builder()
                        .setConnection(connection)
                        .setSerializer(i -> new RedisStreamEntry("tls:never", Map.of("i", String.valueOf(i))))
                        .build());
        return env;
    }

    /** Not retried until redis.retry.timeout (5 minutes): a retry cannot fix a TLS failure. */
    private static void assertFailsAtOnceWith(StreamExecutionEnvironment env, String message, String detail) {
        RedisTestJobs.assertFailsAtOnce(env, message, TIMEOUT, found -> assertThat(found).contains(detail));
    }

    private static RedisStreamSource<Map<String, String>> source(RedisConnectionConfig connection) {
        return RedisTestJobs.fieldMapSource(connection, "tls:in").build();
    }

    private static RedisConnectionConfig tlsConnection(String host, RedisTlsConfig tls) {
        return RedisConnectionConfig.builder().host(host).port(REDIS.tlsPort()).tls(tls).build();
    }
}
