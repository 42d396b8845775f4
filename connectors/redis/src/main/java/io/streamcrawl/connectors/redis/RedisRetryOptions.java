package io.streamcrawl.connectors.redis;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.time.Duration;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * How the source and the sink ride out a lost Redis connection: exponential back-off between
 * attempts, and a deadline after which the operator fails so that Flink fails the job over.
 */
@PublicEvolving
public final class RedisRetryOptions {
    public static final ConfigOption<Duration> INITIAL_BACKOFF =
            ConfigOptions.key("redis.retry.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription("Wait before the first retry after a failed Redis call; doubles per attempt.");

    public static final ConfigOption<Duration> MAX_BACKOFF =
            ConfigOptions.key("redis.retry.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Upper bound of the wait between two retries.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("redis.retry.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "How long Redis may stay unreachable before the operator fails and the job"
                                    + " fails over. The outage is logged at WARN when it starts and at"
                                    + " INFO when it ends.");

    private RedisRetryOptions() {}

    /** Checks the retry options once, in a builder's {@code build()}. */
    public static void validate(ReadableConfig options) {
        Duration initial = options.get(INITIAL_BACKOFF);
        Duration max = options.get(MAX_BACKOFF);
        checkArgument(initial.toMillis() >= 1, "%s must be at least 1 ms, was %s", INITIAL_BACKOFF.key(), initial);
        checkArgument(max.compareTo(initial) >= 0, "%s (%s) must not be below %s (%s)",
                MAX_BACKOFF.key(), max, INITIAL_BACKOFF.key(), initial);
        checkArgument(!options.get(TIMEOUT).isNegative(), "%s must not be negative, was %s",
                TIMEOUT.key(), options.get(TIMEOUT));
    }
}
