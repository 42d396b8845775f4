package io.streamcrawl.connectors.etcd.metrics;

import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * The etcd watch source's own metrics, in the group {@code etcd} under the reader's metric group
 * (records in and bytes are counted by Flink already). Updated by the fetcher thread.
 */
@Internal
public final class EtcdSourceReaderMetrics {
    public static final String GROUP = "etcd";
    /** Complete reads of the prefix: the first one, and each after a compaction. */
    public static final String PREFIX_READS = "prefixReads";
    /** Re-reads forced because etcd could not replay history (compaction, restored cluster). */
    public static final String RESYNCS = "resyncs";
    /** Watches re-established because they failed, ended, or got ahead of Flink. */
    public static final String WATCH_RESTARTS = "watchRestarts";
    /** The revision through which every change has been handed to Flink. */
    public static final String REVISION = "revision";

    private final Counter prefixReads;
    private final Counter resyncs;
    private final Counter watchRestarts;
    private volatile long revision = EtcdPrefixSplit.NO_REVISION;

    public EtcdSourceReaderMetrics(SourceReaderMetricGroup readerGroup) {
        MetricGroup group = readerGroup.addGroup(GROUP);
        this.prefixReads = group.counter(PREFIX_READS);
        this.resyncs = group.counter(RESYNCS);
        this.watchRestarts = group.counter(WATCH_RESTARTS);
        group.gauge(REVISION, () -> revision);
    }

    public void prefixRead() {
        prefixReads.inc();
    }

    public void resync() {
        resyncs.inc();
    }

    public void watchRestarted() {
        watchRestarts.inc();
    }

    public void handedOverThrough(long revision) {
        this.revision = revision;
    }
}
