package io.streamcrawl.job.etcd;

import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;
import io.streamcrawl.job.config.EtcdConnections;

import io.etcd.jetcd.Client;

import java.io.Serializable;

import org.apache.flink.configuration.Configuration;

import static io.streamcrawl.job.config.CrawlerOptions.ETCD_PREFIX;

/**
 * Where the control keys live: the etcd connection (endpoints, TLS, user) and the root of the keys,
 * carried by the operators that use them. Every etcd client of the job is built here.
 */
public record ControlPlane(EtcdConnectionConfig etcd, String root) implements Serializable {

    /** A plain-text etcd without authentication, as local runs and tests have. */
    public ControlPlane(String endpoints, String root) {
        this(EtcdConnectionConfig.builder().endpoints(endpoints).build(), root);
    }

    /** The control plane of the job's configuration: {@code etcd.*}. */
    public static ControlPlane of(Configuration config) {
        return new ControlPlane(EtcdConnections.of(config), config.get(ETCD_PREFIX));
    }

    /** A new client; the caller closes it. */
    public Client connect() {
        return etcd.newClient();
    }

    public TaskKeys keys() {
        return new TaskKeys(root);
    }
}
