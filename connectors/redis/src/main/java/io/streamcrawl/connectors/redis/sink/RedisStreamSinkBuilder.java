package io.streamcrawl.connectors.redis.sink;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.time.Duration;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisFenceOptions;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.StreamFence;

/**
 * Builder of {@link RedisStreamSink}. Connection and serializer are required; everything else is
 * an option of {@link RedisStreamSinkOptions}, {@link RedisRetryOptions} or {@link RedisFenceOptions}.
 */
@PublicEvolving
public final class RedisStreamSinkBuilder<T> {
    private RedisConnectionConfig connection;
    private RedisStreamSerializer<T> serializer;
    private final Configuration options = new Configuration();

    RedisStreamSinkBuilder() {}

    public RedisStreamSinkBuilder<T> setConnection(RedisConnectionConfig connection) {
        this.connection = connection;
        return this;
    }

    public RedisStreamSinkBuilder<T> setSerializer(RedisStreamSerializer<T> serializer) {
        this.serializer = serializer;
        return this;
    }

    /** 0: no trimming; n > 0: {@code XADD MAXLEN ~ n}. Same as {@link RedisStreamSinkOptions#MAX_LENGTH}. */
    public RedisStreamSinkBuilder<T> setMaxLength(long maxLength) {
        options.set(RedisStreamSinkOptions.MAX_LENGTH, maxLength);
        return this;
    }

    /** Sets one of the options of {@link RedisStreamSinkOptions}, {@link RedisRetryOptions} or {@link RedisFenceOptions}. */
    public <V> RedisStreamSinkBuilder<T> setOption(ConfigOption<V> option, V value) {
        options.set(checkNotNull(option, "option"), checkNotNull(value, option.key()));
        return this;
    }

    public RedisStreamSink<T> build() {
        checkNotNull(connection, "connection (setConnection)");
        checkNotNull(serializer, "serializer (setSerializer)");
        long maxLength = options.get(RedisStreamSinkOptions.MAX_LENGTH);
        checkArgument(maxLength >= 0, "%s must be >= 0, was %s", RedisStreamSinkOptions.MAX_LENGTH.key(), maxLength);
        int batchSize = options.get(RedisStreamSinkOptions.BATCH_SIZE);
        checkArgument(batchSize > 0, "%s must be > 0, was %s", RedisStreamSinkOptions.BATCH_SIZE.key(), batchSize);
        int inFlight = options.get(RedisStreamSinkOptions.MAX_IN_FLIGHT_BATCHES);
        checkArgument(inFlight > 0, "%s must be > 0, was %s", RedisStreamSinkOptions.MAX_IN_FLIGHT_BATCHES.key(), inFlight);
        int buffered = options.get(RedisStreamSinkOptions.MAX_BUFFERED_ENTRIES);
        checkArgument(buffered > batchSize, "%s (%s) must be more than %s (%s)",
                RedisStreamSinkOptions.MAX_BUFFERED_ENTRIES.key(), buffered, RedisStreamSinkOptions.BATCH_SIZE.key(), batchSize);
        Duration interval = options.get(RedisStreamSinkOptions.FLUSH_INTERVAL);
        checkArgument(interval.toMillis() >= 1, "%s must be at least 1 ms, was %s",
                RedisStreamSinkOptions.FLUSH_INTERVAL.key(), interval);
        options.getOptional(RedisStreamSinkOptions.JOURNAL_STREAM).ifPresent(journal -> checkArgument(!journal.isEmpty(),
                "%s must not be empty", RedisStreamSinkOptions.JOURNAL_STREAM.key()));
        RedisRetryOptions.validate(options);
        StreamFence.of(options);
        return new RedisStreamSink<>(connection, serializer, new Configuration(options));
    }
}
