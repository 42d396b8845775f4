package io.streamcrawl.job.config;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisTlsConfig;

import java.util.Arrays;
import java.util.List;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import static io.streamcrawl.job.config.CrawlerOptions.REDIS_CLUSTER_NODES;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_HOST;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_PASSWORD;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_PORT;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_CA_CERTIFICATES;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_CLIENT_CERTIFICATE;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_CLIENT_KEY;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_ENABLED;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_KEYSTORE;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_KEYSTORE_PASSWORD;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_TRUSTSTORE;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_TRUSTSTORE_PASSWORD;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_TLS_VERIFY_HOSTNAME;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_USER;

/** The Redis connection of the crawl, from the job's configuration: standalone or cluster, with or without TLS. */
public final class RedisConnections {
    private RedisConnections() {}

    public static RedisConnectionConfig of(Configuration config) {
        RedisConnectionConfig.Builder builder = RedisConnectionConfig.builder();
        List<String> clusterNodes = Arrays.stream(config.get(REDIS_CLUSTER_NODES).split(","))
                .map(String::trim).filter(node -> !node.isEmpty()).toList();
        if (clusterNodes.isEmpty()) {
            builder.host(config.get(REDIS_HOST)).port(config.get(REDIS_PORT));
        } else {
            builder.clusterNodes(clusterNodes);
        }
        if (!config.get(REDIS_USER).isEmpty()) {
            builder.user(config.get(REDIS_USER));
        }
        if (!config.get(REDIS_PASSWORD).isEmpty()) {
            builder.password(config.get(REDIS_PASSWORD));
        }
        if (config.get(REDIS_TLS_ENABLED)) {
            builder.tls(tls(config));
        }
        return builder.build();
    }

    /** Takes one connector option: a source or sink builder's {@code setOption}. */
    public interface OptionSetter {
        <V> void set(ConfigOption<V> option, V value);
    }

    /** Hands each of {@code options} with its value in the job's configuration to a connector builder. */
    public static void applyOptions(Configuration config, List<ConfigOption<?>> options, OptionSetter builder) {
        options.forEach(option -> apply(config, option, builder));
    }

    private static <V> void apply(Configuration config, ConfigOption<V> option, OptionSetter builder) {
        builder.set(option, config.get(option));
    }

    private static RedisTlsConfig tls(Configuration config) {
        RedisTlsConfig.Builder tls = RedisTlsConfig.builder().verifyHostname(config.get(REDIS_TLS_VERIFY_HOSTNAME));
        if (isSet(config, REDIS_TLS_CA_CERTIFICATES)) {
            tls.caCertificates(config.get(REDIS_TLS_CA_CERTIFICATES));
        }
        if (isSet(config, REDIS_TLS_TRUSTSTORE)) {
            tls.trustStore(config.get(REDIS_TLS_TRUSTSTORE), orNull(config, REDIS_TLS_TRUSTSTORE_PASSWORD));
        }
        if (isSet(config, REDIS_TLS_CLIENT_CERTIFICATE) || isSet(config, REDIS_TLS_CLIENT_KEY)) {
            tls.clientCertificate(orNull(config, REDIS_TLS_CLIENT_CERTIFICATE), orNull(config, REDIS_TLS_CLIENT_KEY));
        }
        if (isSet(config, REDIS_TLS_KEYSTORE)) {
            tls.keyStore(config.get(REDIS_TLS_KEYSTORE), orNull(config, REDIS_TLS_KEYSTORE_PASSWORD));
        }
        return tls.build();
    }

    private static boolean isSet(Configuration config, ConfigOption<String> option) {
        return !config.get(option).isEmpty();
    }

    private static String orNull(Configuration config, ConfigOption<String> option) {
        return isSet(config, option) ? config.get(option) : null;
    }
}
