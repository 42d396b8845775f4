package io.streamcrawl.connectors.redis.source;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisFenceOptions;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.StreamFence;

/**
 * Builder of {@link RedisStreamSource}. Connection, streams, group and deserializer are required;
 * everything else is an option of {@link RedisStreamSourceOptions} or {@link RedisRetryOptions}.
 */
@PublicEvolving
public final class RedisStreamSourceBuilder<T> {
    private RedisConnectionConfig connection;
    private List<String> streams;
    private String group;
    private RedisStreamDeserializer<T> deserializer;
    private final Configuration options = new Configuration();

    RedisStreamSourceBuilder() {}

    public RedisStreamSourceBuilder<T> setConnection(RedisConnectionConfig connection) {
        this.connection = connection;
        return this;
    }

    /** The stream keys to read, one split each. */
    public RedisStreamSourceBuilder<T> setStreams(List<String> streams) {
        this.streams = streams == null ? null : List.copyOf(streams);
        return this;
    }

    /** The consumer group; created on each stream (with MKSTREAM, from ID 0) when missing. */
    public RedisStreamSourceBuilder<T> setGroup(String group) {
        this.group = group;
        return this;
    }

    public RedisStreamSourceBuilder<T> setDeserializer(RedisStreamDeserializer<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Sets one of the options of {@link RedisStreamSourceOptions}, {@link RedisRetryOptions} or {@link RedisFenceOptions}. */
    public <V> RedisStreamSourceBuilder<T> setOption(ConfigOption<V> option, V value) {
        options.set(checkNotNull(option, "option"), checkNotNull(value, option.key()));
        return this;
    }

    public RedisStreamSource<T> build() {
        checkNotNull(connection, "connection (setConnection)");
        checkNotNull(streams, "streams (setStreams)");
        checkNotNull(group, "group (setGroup)");
        checkNotNull(deserializer, "deserializer (setDeserializer)");
        checkArgument(!streams.isEmpty(), "at least one stream key is required");
        Set<String> seen = new HashSet<>();
        for (String stream : streams) {
            checkArgument(stream != null && !stream.isBlank(), "stream keys must not be blank: %s", streams);
            checkArgument(seen.add(stream), "stream key %s is listed twice in %s", stream, streams);
        }
        checkArgument(!group.isBlank(), "group must not be blank");
        int count = options.get(RedisStreamSourceOptions.FETCH_COUNT);
        checkArgument(count > 0, "%s must be > 0, was %s", RedisStreamSourceOptions.FETCH_COUNT.key(), count);
        Duration block = options.get(RedisStreamSourceOptions.FETCH_BLOCK);
        checkArgument(block.toMillis() >= 1 && block.toMillis() <= Integer.MAX_VALUE,
                "%s must be at least 1 ms, was %s", RedisStreamSourceOptions.FETCH_BLOCK.key(), block);
        int ackBatch = options.get(RedisStreamSourceOptions.ACK_BATCH_SIZE);
        checkArgument(ackBatch > 0, "%s must be > 0, was %s", RedisStreamSourceOptions.ACK_BATCH_SIZE.key(), ackBatch);
        Duration minIdle = options.get(RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME);
        checkArgument(!minIdle.isNegative(), "%s must not be negative, was %s",
                RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME.key(), minIdle);
        Duration noCheckpoint = options.get(RedisStreamSourceOptions.NO_CHECKPOINT_WARNING);
        checkArgument(noCheckpoint.toMillis() >= 1, "%s must be at least 1 ms, was %s",
                RedisStreamSourceOptions.NO_CHECKPOINT_WARNING.key(), noCheckpoint);
        RedisRetryOptions.validate(options);
        StreamFence.of(options);
        return new RedisStreamSource<>(connection, streams, group, deserializer, new Configuration(options));
    }
}
