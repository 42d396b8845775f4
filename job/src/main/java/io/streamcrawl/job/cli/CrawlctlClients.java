package io.streamcrawl.job.cli;

import io.streamcrawl.job.config.RedisConnections;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.TaskRegistry;

import org.apache.flink.configuration.Configuration;

import redis.clients.jedis.UnifiedJedis;

/**
 * crawlctl's Redis and etcd clients, each opened when first used; {@link #reset()} drops them
 * after a failure, so that the next try connects afresh instead of waiting out a dead
 * connection's back-off.
 */
final class CrawlctlClients implements AutoCloseable {
    private final Configuration config;
    private UnifiedJedis redis;
    private TaskRegistry registry;

    CrawlctlClients(Configuration config) {
        this.config = config;
    }

    UnifiedJedis redis() {
        if (redis == null) {
            redis = RedisConnections.of(config).createClient("crawlctl");
        }
        return redis;
    }

    TaskRegistry registry() {
        if (registry == null) {
            registry = new TaskRegistry(ControlPlane.of(config));
        }
        return registry;
    }

    void reset() {
        close();
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }
}
