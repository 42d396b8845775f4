package io.streamcrawl.job.config;

import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import static io.streamcrawl.job.config.CrawlerOptions.ETCD_ENDPOINTS;
import static io.streamcrawl.job.config.CrawlerOptions.ETCD_PASSWORD;
import static io.streamcrawl.job.config.CrawlerOptions.ETCD_TLS_AUTHORITY;
import static io.streamcrawl.job.config.CrawlerOptions.ETCD_TLS_CA_FILE;
import static io.streamcrawl.job.config.CrawlerOptions.ETCD_TLS_CERT_FILE;
import static io.streamcrawl.job.config.CrawlerOptions.ETCD_TLS_KEY_FILE;
import static io.streamcrawl.job.config.CrawlerOptions.ETCD_USER;

/** The etcd connection of the crawl, from the job's configuration: endpoints, TLS and user. */
public final class EtcdConnections {
    private EtcdConnections() {}

    public static EtcdConnectionConfig of(Configuration config) {
        EtcdConnectionConfig.Builder builder = EtcdConnectionConfig.builder().endpoints(config.get(ETCD_ENDPOINTS));
        if (isSet(config, ETCD_USER) || isSet(config, ETCD_PASSWORD)) {
            builder.user(orNull(config, ETCD_USER), orNull(config, ETCD_PASSWORD));
        }
        if (isSet(config, ETCD_TLS_CA_FILE)) {
            builder.caFile(config.get(ETCD_TLS_CA_FILE));
        }
        if (isSet(config, ETCD_TLS_CERT_FILE) || isSet(config, ETCD_TLS_KEY_FILE)) {
            builder.clientCertificate(orNull(config, ETCD_TLS_CERT_FILE), orNull(config, ETCD_TLS_KEY_FILE));
        }
        if (isSet(config, ETCD_TLS_AUTHORITY)) {
            builder.authority(config.get(ETCD_TLS_AUTHORITY));
        }
        return builder.build();
    }

    private static boolean isSet(Configuration config, ConfigOption<String> option) {
        return !config.get(option).isEmpty();
    }

    private static String orNull(Configuration config, ConfigOption<String> option) {
        return isSet(config, option) ? config.get(option) : null;
    }
}
