package io.streamcrawl.connectors.redis.internal;

import java.time.Duration;

import org.apache.flink.annotation.Internal;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** Turns a {@link RedisConnectionConfig} into a Jedis {@link RedisClient} (a small connection pool). */
@Internal
public final class RedisClientFactory {
    private RedisClientFactory() {}

    /**
     * Creates a client. {@code longestBlock} is the longest BLOCK the caller will ask for: blocking
     * commands get that much on top of the socket timeout, so a dead server is still noticed.
     */
    public static RedisClient create(RedisConnectionConfig config, Duration longestBlock, String clientName) {
        DefaultJedisClientConfig.Builder client =
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(toMillis(config.connectTimeout()))
                        .socketTimeoutMillis(toMillis(config.socketTimeout()))
                        .blockingSocketTimeoutMillis(toMillis(config.socketTimeout().plus(longestBlock)))
                        .database(config.database())
                        .ssl(config.ssl())
                        .clientName(clientName);
        config.user().ifPresent(client::user);
        config.password().ifPresent(client::password);
        return RedisClient.builder()
                .hostAndPort(config.host(), config.port())
                .clientConfig(client.build())
                .build();
    }

    private static int toMillis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
