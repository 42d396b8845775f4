package io.streamcrawl.connectors.redis.source.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import io.streamcrawl.connectors.redis.internal.Utf8;

/**
 * The metrics of one source reader beyond Flink's standard ones ({@code numRecordsIn} is counted
 * by the reader base).
 *
 * <ul>
 *   <li>{@value #MALFORMED_ENTRIES}: entries skipped because the deserializer rejected them, also
 *       counted in {@code numRecordsInErrors}.
 *   <li>{@code numBytesIn}: the UTF-8 bytes of the field names and values of the entries read.
 *   <li>{@value #CHECKPOINT_TO_ACK_TIME}: histogram of the milliseconds from a checkpoint's
 *       completion until its entries are acknowledged (XACK, and XDEL).
 *   <li>Per split, in group {@code stream.<key>}: {@value #PENDING_COUNT}, the group's entries
 *       delivered but not acknowledged (XPENDING), and {@value #CONSUMER_LAG}, the entries not yet
 *       delivered to the group (XINFO GROUPS {@code lag}); -1 while unknown.
 *   <li>Flink's standard {@code pendingRecords} (FLIP-33, what the autoscaler reads): the sum of the
 *       splits' backlogs. A split whose exact lag is unknown (entries deleted after the group's last
 *       delivered ID and more of them than the refresher counts) adds the count it did see, a lower
 *       bound, so that a long backlog never reads as shorter than a short one. No value until a split
 *       has been measured.
 * </ul>
 *
 * <p>Counters are updated by one thread each: {@value #MALFORMED_ENTRIES} by the task thread, the
 * others by the fetcher thread; gauges read values the fetcher thread refreshes.
 */
@Internal
public final class RedisStreamSourceReaderMetrics {
    public static final String MALFORMED_ENTRIES = "malformedEntries";
    public static final String CHECKPOINT_TO_ACK_TIME = "checkpointToAckTimeMs";
    public static final String STREAM_GROUP = "stream";
    public static final String PENDING_COUNT = "pendingCount";
    public static final String CONSUMER_LAG = "consumerLag";
    /** Gauge value while a split's figure is not known (yet). */
    public static final long UNKNOWN = -1;
    private static final int HISTOGRAM_WINDOW = 128;

    private final SourceReaderMetricGroup group;
    private final Counter malformedEntries;
    private final Counter numRecordsInErrors;
    private final Counter numBytesIn;
    private final Histogram checkpointToAckTime;
    private final Map<String, SplitMetrics> splits = new ConcurrentHashMap<>();

    public RedisStreamSourceReaderMetrics(SourceReaderMetricGroup group) {
        this.group = group;
        this.malformedEntries = group.counter(MALFORMED_ENTRIES);
        this.numRecordsInErrors = group.getNumRecordsInErrorsCounter();
        this.numBytesIn = group.getIOMetricGroup().getNumBytesInCounter();
        this.checkpointToAckTime =
                group.histogram(CHECKPOINT_TO_ACK_TIME, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.setPendingRecordsGauge(this::pendingRecords);
    }

    public void recordMalformedEntry() {
        malformedEntries.inc();
        numRecordsInErrors.inc();
    }

    /** Counts the UTF-8 bytes of an entry's field names and values (none for a deleted entry). */
    public void recordBytesIn(@Nullable Map<String, String> fields) {
        if (fields == null) {
            return;
        }
        numBytesIn.inc(Utf8.length(fields));
    }

    public void recordCheckpointToAck(long millis) {
        checkpointToAckTime.update(millis);
    }

    /** The gauges of one split, registered on first use. */
    public SplitMetrics split(String stream) {
        return splits.computeIfAbsent(stream, key -> new SplitMetrics(group.addGroup(STREAM_GROUP, key)));
    }

    @VisibleForTesting
    public long malformedEntries() {
        return malformedEntries.getCount();
    }

    private Long pendingRecords() {
        long sum = 0;
        boolean known = false;
        for (SplitMetrics split : splits.values()) {
            if (split.backlog >= 0) {
                sum += split.backlog;
                known = true;
            }
        }
        return known ? sum : null;
    }

    /** The Redis-side figures of one split, written by the fetcher thread, read by the reporters. */
    public static final class SplitMetrics {
        private volatile long pendingCount = UNKNOWN;
        private volatile long consumerLag = UNKNOWN;
        /** The exact lag, or a lower bound of it while the lag is unknown; -1 before the first refresh. */
        private volatile long backlog = UNKNOWN;

        private SplitMetrics(MetricGroup group) {
            group.gauge(PENDING_COUNT, () -> pendingCount);
            group.gauge(CONSUMER_LAG, () -> consumerLag);
        }

        public void update(long pendingCount, long consumerLag) {
            this.pendingCount = pendingCount;
            this.consumerLag = consumerLag;
            this.backlog = consumerLag;
        }

        /** Sets the figures of a split whose lag is not known exactly but is at least {@code lagAtLeast}. */
        public void updateWithLagAtLeast(long pendingCount, long lagAtLeast) {
            this.pendingCount = pendingCount;
            this.consumerLag = UNKNOWN;
            this.backlog = lagAtLeast;
        }

        public long pendingCount() {
            return pendingCount;
        }

        public long consumerLag() {
            return consumerLag;
        }
    }
}
