package io.streamcrawl.job.config;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;

import org.apache.flink.configuration.Configuration;

import static io.streamcrawl.job.config.CrawlerOptions.REDIS_HOST;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_PASSWORD;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_PORT;
import static io.streamcrawl.job.config.CrawlerOptions.REDIS_USER;

/** The Redis connection of the crawl, from the job's configuration. */
public final class RedisConnections {
    private RedisConnections() {}

    public static RedisConnectionConfig of(Configuration config) {
        RedisConnectionConfig.Builder builder = RedisConnectionConfig.builder()
                .host(config.get(REDIS_HOST))
                .port(config.get(REDIS_PORT));
        if (!config.get(REDIS_USER).isEmpty()) {
            builder.user(config.get(REDIS_USER));
        }
        if (!config.get(REDIS_PASSWORD).isEmpty()) {
            builder.password(config.get(REDIS_PASSWORD));
        }
        return builder.build();
    }
}
