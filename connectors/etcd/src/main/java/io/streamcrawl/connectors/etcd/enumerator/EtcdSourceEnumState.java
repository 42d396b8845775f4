package io.streamcrawl.connectors.etcd.enumerator;

import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Objects;

/**
 * The enumerator's checkpoint: the split if no reader owns it, or nothing once it is assigned
 * (then the owning reader's checkpoint holds it and its position).
 */
@Internal
public final class EtcdSourceEnumState {
    @Nullable private final EtcdPrefixSplit unassignedSplit;

    public EtcdSourceEnumState(@Nullable EtcdPrefixSplit unassignedSplit) {
        this.unassignedSplit = unassignedSplit;
    }

    /** The split waiting for a reader, or {@code null} when a reader owns it. */
    @Nullable
    public EtcdPrefixSplit unassignedSplit() {
        return unassignedSplit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EtcdSourceEnumState other && Objects.equals(unassignedSplit, other.unassignedSplit);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(unassignedSplit);
    }

    @Override
    public String toString() {
        return "EtcdSourceEnumState{unassignedSplit=" + unassignedSplit + '}';
    }
}
