package io.streamcrawl.connectors.redis.sink;

import java.time.Duration;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of {@link RedisStreamSink}, set with {@link RedisStreamSinkBuilder#setOption}. The retry
 * options of {@link io.streamcrawl.connectors.redis.RedisRetryOptions} apply as well.
 *
 * <p>A writer holds at most {@link #MAX_BUFFERED_ENTRIES} entries waiting plus {@link
 * #MAX_IN_FLIGHT_BATCHES} × {@link #BATCH_SIZE} being written; when Redis is slower than the
 * input, the writer blocks and back-pressures the job instead of buffering more.
 */
@PublicEvolving
public final class RedisStreamSinkOptions {
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("redis.sink.batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Most entries per batch: one pipelined round trip of XADDs.");

    public static final ConfigOption<Duration> FLUSH_INTERVAL =
            ConfigOptions.key("redis.sink.flush-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "Longest time an entry waits in the buffer before it is sent; the buffer is"
                                    + " also flushed on every checkpoint and at end of input.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_BATCHES =
            ConfigOptions.key("redis.sink.max-in-flight-batches")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Batches handed to the writer's I/O thread and not yet written; they are sent"
                                    + " one after the other, so more than 2 only queues more.");

    public static final ConfigOption<Integer> MAX_BUFFERED_ENTRIES =
            ConfigOptions.key("redis.sink.max-buffered-entries")
                    .intType()
                    .defaultValue(2000)
                    .withDescription(
                            "Entries a writer buffers before it blocks (back-pressure) until a batch in"
                                    + " flight is written; must be more than the batch size.");

    public static final ConfigOption<Long> MAX_LENGTH =
            ConfigOptions.key("redis.sink.max-length")
                    .longType()
                    .defaultValue(0L)
                    .withDescription("0: streams are not trimmed; n > 0: XADD MAXLEN ~ n (approximate trimming)"
                            + " of every stream, or only of the journal stream when one is set.");

    public static final ConfigOption<String> JOURNAL_STREAM =
            ConfigOptions.key("redis.sink.journal-stream")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A stream whose entries record what the entries before them did: each batch's"
                                    + " entries to it are written after the batch's entries to every other stream"
                                    + " are written and answered, so an entry of the journal stream implies that"
                                    + " every entry given to the writer before it is in its stream. Unset: a batch"
                                    + " is written in one round.");

    private RedisStreamSinkOptions() {}
}
