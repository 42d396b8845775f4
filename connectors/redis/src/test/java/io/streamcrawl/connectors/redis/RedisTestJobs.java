package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceBuilder;

/** The Flink side of the Redis ITCases: the MiniCluster, job environments, ending jobs, failures. */
public final class RedisTestJobs {
    /** Checkpoint interval of the test jobs: short, so acknowledgements and flushes come soon. */
    public static final long CHECKPOINT_INTERVAL_MS = 100;

    private RedisTestJobs() {}

    /** One TaskManager with two slots, as every Redis ITCase uses. */
    public static MiniClusterExtension miniCluster() {
        return miniCluster(new Configuration());
    }

    public static MiniClusterExtension miniCluster(Configuration config) {
        return miniCluster(config, 2);
    }

    /** One TaskManager with {@code slots} slots. */
    public static MiniClusterExtension miniCluster(Configuration config, int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .setConfiguration(config)
                .build());
    }

    /** A checkpointing environment of the MiniCluster at {@code parallelism}. */
    public static StreamExecutionEnvironment checkpointing(int parallelism) {
        return checkpointing(parallelism, new Configuration());
    }

    /**
     * No restart strategy: a failure anywhere fails the job, so only the connector's own retries
     * can ride out an outage, and a failure it raises reaches the test.
     */
    public static StreamExecutionEnvironment withoutRestarts() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return checkpointing(1, config);
    }

    /** Up to three restarts 100 ms apart, for tests that fail the job on purpose. */
    public static StreamExecutionEnvironment restartingThrice(int parallelism) {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return checkpointing(parallelism, config);
    }

    private static StreamExecutionEnvironment checkpointing(int parallelism, Configuration config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
        return env;
    }

    /**
     * Numbers 0, 1, 2, ... that do not run out during a test: the input of a job that is to fail.
     *
     * <p>Not a bounded input such as {@code fromData}: its reader finishes its split and asks for
     * another, and the enumerator's answer, a NoMoreSplitsEvent, can reach the task after it has
     * failed (a pending checkpoint holds the event back until the task takes or declines it, and a
     * sink whose flush fails declines it). Flink then fails the job with "An OperatorEvent from an
     * OperatorCoordinator to a task was lost", and the failure under test, which reaches the
     * JobManager later, is dropped: about one run in fifteen of a failing sink test.
     */
    public static DataStream<Long> endless(StreamExecutionEnvironment env) {
        return env.fromSequence(0, Long.MAX_VALUE);
    }

    /** A source of {@code stream} in group "g" that emits each entry's fields. */
    public static RedisStreamSourceBuilder<Map<String, String>> fieldMapSource(
            RedisConnectionConfig connection, String stream) {
        return RedisStreamSource.<Map<String, String>>builder()
                .setConnection(connection)
                .setStreams(List.of(stream))
                .setGroup("g")
                .setDeserializer(RedisStreamDeserializer.fieldMap());
    }

    /**
     * Runs {@code env} and expects it to fail within {@code within} (not retried until
     * redis.retry.timeout, since a retry cannot fix it) with a cause whose message contains
     * {@code message} and satisfies {@code cause}.
     */
    public static void assertFailsAtOnce(
            StreamExecutionEnvironment env, String message, Duration within, Consumer<String> cause) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> env.execute("failing at once"))
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, message))
                        .as("a cause with '%s' in %s", message, ExceptionUtils.stringifyException(e))
                        .hasValueSatisfying(found -> cause.accept(found.getMessage())));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(within);
    }
}
