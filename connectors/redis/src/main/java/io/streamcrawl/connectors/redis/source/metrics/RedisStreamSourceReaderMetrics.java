package io.streamcrawl.connectors.redis.source.metrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * The metrics of one source reader beyond Flink's standard ones ({@code numRecordsIn} is counted
 * by the reader base): {@value #MALFORMED_ENTRIES}, the entries skipped because the deserializer
 * rejected them, which are also counted in {@code numRecordsInErrors}.
 */
@Internal
public final class RedisStreamSourceReaderMetrics {
    public static final String MALFORMED_ENTRIES = "malformedEntries";

    private final Counter malformedEntries;
    private final Counter numRecordsInErrors;

    public RedisStreamSourceReaderMetrics(SourceReaderMetricGroup group) {
        this.malformedEntries = group.counter(MALFORMED_ENTRIES);
        this.numRecordsInErrors = group.getNumRecordsInErrorsCounter();
    }

    public void recordMalformedEntry() {
        malformedEntries.inc();
        numRecordsInErrors.inc();
    }

    @VisibleForTesting
    public long malformedEntries() {
        return malformedEntries.getCount();
    }
}
