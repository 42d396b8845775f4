package io.streamcrawl.connectors.etcd;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

import java.time.Duration;

import static org.apache.flink.configuration.ConfigOptions.key;

/**
 * Typed options of {@link EtcdWatchSource}; set them through {@link EtcdWatchSourceBuilder}. Where
 * and how to connect is an {@link EtcdConnectionConfig}.
 */
@PublicEvolving
public final class EtcdWatchSourceOptions {

    public static final ConfigOption<String> PREFIX =
            key("etcd.prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The key prefix to read and watch, e.g. /streamcrawl/tasks/. Must not be empty.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            key("etcd.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How long one page of the prefix read may take before it is retried (with back-off).");

    public static final ConfigOption<Integer> SNAPSHOT_PAGE_SIZE =
            key("etcd.snapshot.page-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription(
                            "Keys per range request when the prefix is read; all pages are read at one revision.");

    public static final ConfigOption<Integer> HANDOVER_CAPACITY =
            key("etcd.handover.capacity")
                    .intType()
                    .defaultValue(64)
                    .withDescription(
                            "Watch responses buffered between the etcd client and Flink. When full (Flink is"
                                    + " back-pressured) the watch is restarted from the last handed-over revision,"
                                    + " so nothing is lost.");

    public static final ConfigOption<Duration> RETRY_INITIAL_BACKOFF =
            key("etcd.retry.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription("First delay before a failed read or an interrupted watch is retried.");

    public static final ConfigOption<Duration> RETRY_MAX_BACKOFF =
            key("etcd.retry.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Upper bound of the doubling retry delay.");

    public static final ConfigOption<Duration> RETRY_TIMEOUT =
            key("etcd.retry.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "How long etcd may stay unreachable (reads or watches failing, or not re-established)"
                                    + " before the source fails and the job fails over. Compaction is not an outage.");

    private EtcdWatchSourceOptions() {}
}
