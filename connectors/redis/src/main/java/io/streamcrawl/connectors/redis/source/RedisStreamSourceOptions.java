package io.streamcrawl.connectors.redis.source;

import java.time.Duration;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of {@link RedisStreamSource}, set with {@link RedisStreamSourceBuilder#setOption}. The
 * retry options of {@link io.streamcrawl.connectors.redis.RedisRetryOptions} apply as well.
 */
@PublicEvolving
public final class RedisStreamSourceOptions {
    public static final ConfigOption<Integer> FETCH_COUNT =
            ConfigOptions.key("redis.source.fetch.count")
                    .intType()
                    .defaultValue(500)
                    .withDescription("XREADGROUP COUNT: most entries read from one stream per request.");

    public static final ConfigOption<Duration> FETCH_BLOCK =
            ConfigOptions.key("redis.source.fetch.block")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "XREADGROUP BLOCK: how long a reader waits for new entries when its streams"
                                    + " are empty. A blocked read cannot be interrupted, so this also bounds"
                                    + " how late acknowledgements, new splits and shutdown are handled.");

    public static final ConfigOption<Integer> ACK_BATCH_SIZE =
            ConfigOptions.key("redis.source.ack.batch-size")
                    .intType()
                    .defaultValue(1000)
                    .withDescription("Most entry IDs per XPENDING/XACK/XDEL request when a checkpoint completes.");

    public static final ConfigOption<Boolean> ACK_DELETE =
            ConfigOptions.key("redis.source.ack.delete")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "XDEL entries once a completed checkpoint has acknowledged them, so a stream holds"
                                    + " its backlog and not its history. Disable when other consumer groups read"
                                    + " the same streams.");

    public static final ConfigOption<Duration> CLAIM_MIN_IDLE_TIME =
            ConfigOptions.key("redis.source.claim.min-idle-time")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Entries of a stream pending under another consumer of the group (an old consumer"
                                    + " name, a reader that is gone, a stray reader) are claimed (XCLAIM) into the"
                                    + " split's claim consumer <group>-<stream>-claimed once they have been idle"
                                    + " this long, and emitted out of stream order; a consumer still at work keeps"
                                    + " its entries.");

    public static final ConfigOption<Duration> NO_CHECKPOINT_WARNING =
            ConfigOptions.key("redis.source.no-checkpoint-warning")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "A reader logs a warning when no checkpoint has completed this long after it"
                                    + " started reading: entries are acknowledged only when a checkpoint"
                                    + " completes, so without checkpointing the pending entries and the streams"
                                    + " only grow.");

    private RedisStreamSourceOptions() {}
}
