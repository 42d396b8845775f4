package io.streamcrawl.connectors.etcd.split;

import org.apache.flink.annotation.Internal;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * The mutable position of an {@link EtcdPrefixSplit} while a reader emits it. Only the task's
 * mailbox thread touches it (the record emitter and {@code snapshotState}).
 */
@Internal
public final class EtcdPrefixSplitState {
    private final String prefix;
    private long revision;

    public EtcdPrefixSplitState(EtcdPrefixSplit split) {
        checkNotNull(split, "split");
        this.prefix = split.prefix();
        this.revision = split.revision();
    }

    public String prefix() {
        return prefix;
    }

    /** The revision through which every change has been emitted. */
    public long revision() {
        return revision;
    }

    /** Records that every change through {@code revision} has been emitted. */
    public void setRevision(long revision) {
        checkArgument(revision >= EtcdPrefixSplit.NO_REVISION, "revision must not be negative, got %s", revision);
        this.revision = revision;
    }

    public EtcdPrefixSplit toSplit() {
        return new EtcdPrefixSplit(prefix, revision);
    }
}
