package io.streamcrawl.connectors.etcd.split;

import org.apache.flink.annotation.Internal;

import java.util.TreeMap;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * The mutable position and known keys of an {@link EtcdPrefixSplit} while a reader emits it. Only
 * the task's mailbox thread touches it (the record emitter and {@code snapshotState}).
 */
@Internal
public final class EtcdPrefixSplitState {
    private final String prefix;
    private long revision;
    private final TreeMap<String, Long> knownKeys;

    public EtcdPrefixSplitState(EtcdPrefixSplit split) {
        checkNotNull(split, "split");
        this.prefix = split.prefix();
        this.revision = split.revision();
        this.knownKeys = new TreeMap<>(split.knownKeys());
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

    /** Records that a PUT of {@code key} at {@code modRevision} has been emitted. */
    public void keyPut(String key, long modRevision) {
        knownKeys.put(key, modRevision);
    }

    /** Records that a DELETE of {@code key} has been emitted. */
    public void keyDeleted(String key) {
        knownKeys.remove(key);
    }

    public EtcdPrefixSplit toSplit() {
        return new EtcdPrefixSplit(prefix, revision, knownKeys);
    }
}
