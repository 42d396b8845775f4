package io.streamcrawl.connectors.redis.sink;

import java.time.Duration;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of {@link RedisStreamSink}, set with {@link RedisStreamSinkBuilder#setOption}. The retry
 * options of {@link io.streamcrawl.connectors.redis.RedisRetryOptions} apply as well.
 */
@PublicEvolving
public final class RedisStreamSinkOptions {
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("redis.sink.batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Buffered entries that trigger a flush: one pipelined round trip of XADDs.");

    public static final ConfigOption<Duration> FLUSH_INTERVAL =
            ConfigOptions.key("redis.sink.flush-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "Longest time an entry waits in the buffer before it is flushed; the buffer is"
                                    + " also flushed on every checkpoint and at end of input.");

    public static final ConfigOption<Long> MAX_LENGTH =
            ConfigOptions.key("redis.sink.max-length")
                    .longType()
                    .defaultValue(0L)
                    .withDescription("0: streams are not trimmed; n > 0: XADD MAXLEN ~ n (approximate trimming).");

    private RedisStreamSinkOptions() {}
}
