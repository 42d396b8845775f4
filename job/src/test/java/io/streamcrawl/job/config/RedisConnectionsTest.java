package io.streamcrawl.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisTlsConfig;

class RedisConnectionsTest {
    @Test
    void theDefaultsAreTheLocalStandaloneRedisWithoutTls() {
        RedisConnectionConfig redis = RedisConnections.of(new Configuration());

        assertThat(redis.isCluster()).isFalse();
        assertThat(redis.address()).isEqualTo("redis://127.0.0.1:16379");
        assertThat(redis.ssl()).isFalse();
    }

    @Test
    void clusterNodesReplaceHostAndPortAndTlsOptionsReachTheConnection() {
        Configuration config = new Configuration();
        config.set(CrawlerOptions.REDIS_CLUSTER_NODES, "10.0.0.1:7000, 10.0.0.2:7000");
        config.set(CrawlerOptions.REDIS_TLS_ENABLED, true);
        config.set(CrawlerOptions.REDIS_TLS_CA_CERTIFICATES, "/etc/redis/ca.crt");
        config.set(CrawlerOptions.REDIS_TLS_CLIENT_CERTIFICATE, "/etc/redis/client.crt");
        config.set(CrawlerOptions.REDIS_TLS_CLIENT_KEY, "/etc/redis/client.key");
        config.set(CrawlerOptions.REDIS_TLS_VERIFY_HOSTNAME, false);

        RedisConnectionConfig redis = RedisConnections.of(config);

        assertThat(redis.clusterNodes()).containsExactly("10.0.0.1:7000", "10.0.0.2:7000");
        assertThat(redis.address()).isEqualTo("rediss://10.0.0.1:7000,10.0.0.2:7000 (cluster)");
        assertThat(redis.tls()).contains(RedisTlsConfig.builder()
                .caCertificates("/etc/redis/ca.crt")
                .clientCertificate("/etc/redis/client.crt", "/etc/redis/client.key")
                .verifyHostname(false)
                .build());
        assertThat(List.of(redis.tls().get().trustStore(), redis.tls().get().keyStore())).allMatch(o -> o.isEmpty());
    }

    @Test
    void connectorOptionsOfTheJobConfigurationReachTheBuilders() {
        Configuration config = CrawlerConfigLoader.fromArgs(new String[] {"--redis.retry.timeout", "7 s", "--redis.source.fetch.count", "50"});
        Map<String, Object> handed = new HashMap<>();
        RedisConnections.OptionSetter builder = new RedisConnections.OptionSetter() {
            @Override
            public <V> void set(ConfigOption<V> option, V value) {
                handed.put(option.key(), value);
            }
        };

        RedisConnections.applyOptions(config, CrawlerOptions.REDIS_SOURCE_OPTIONS, builder);

        assertThat(handed).containsEntry("redis.retry.timeout", Duration.ofSeconds(7))
                .containsEntry("redis.source.fetch.count", 50)
                .containsEntry("redis.source.claim.min-idle-time", Duration.ofSeconds(30))
                .hasSize(CrawlerOptions.REDIS_SOURCE_OPTIONS.size());
    }
}
