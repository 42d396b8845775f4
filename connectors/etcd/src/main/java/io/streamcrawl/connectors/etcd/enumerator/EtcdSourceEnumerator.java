package io.streamcrawl.connectors.etcd.enumerator;

import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.List;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * Assigns the single {@link EtcdPrefixSplit} to the first reader that registers and tells every
 * reader that no more splits will come, so readers without the split finish instead of idling.
 *
 * <p>A split handed back after a reader failed waits here until a reader registers again (the
 * restarted one, normally). Discovery is not needed: the split is known up front. All methods run
 * on the coordinator thread.
 */
@Internal
public final class EtcdSourceEnumerator implements SplitEnumerator<EtcdPrefixSplit, EtcdSourceEnumState> {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdSourceEnumerator.class);

    private final SplitEnumeratorContext<EtcdPrefixSplit> context;
    @Nullable private EtcdPrefixSplit unassigned;

    /**
     * @param unassignedSplit the split to assign, or {@code null} when a reader's restored state
     *     already holds it
     */
    public EtcdSourceEnumerator(
            SplitEnumeratorContext<EtcdPrefixSplit> context, @Nullable EtcdPrefixSplit unassignedSplit) {
        this.context = checkNotNull(context, "context");
        this.unassigned = unassignedSplit;
    }

    @Override
    public void start() {
        // Nothing to discover: readers get the split when they register (addReader).
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed on registration; a request changes nothing.
    }

    @Override
    public void addSplitsBack(List<EtcdPrefixSplit> splits, int subtaskId) {
        checkArgument(splits.size() <= 1, "an etcd watch source has one split, got back %s", splits);
        if (!splits.isEmpty()) {
            unassigned = splits.get(0);
            LOG.info("Split {} came back from failed subtask {}; it goes to the next reader that registers",
                    unassigned, subtaskId);
        }
    }

    @Override
    public void addReader(int subtaskId) {
        if (unassigned != null) {
            LOG.info("Assigning {} to subtask {}", unassigned, subtaskId);
            context.assignSplit(unassigned, subtaskId);
            unassigned = null;
        }
        context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public EtcdSourceEnumState snapshotState(long checkpointId) {
        return new EtcdSourceEnumState(unassigned);
    }

    @Override
    public void close() {}
}
