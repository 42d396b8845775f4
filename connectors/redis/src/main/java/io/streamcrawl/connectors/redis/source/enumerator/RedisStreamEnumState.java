package io.streamcrawl.connectors.redis.source.enumerator;

import static org.apache.flink.util.Preconditions.checkNotNull;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.apache.flink.annotation.Internal;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;

/**
 * The enumerator's checkpoint: the stream keys already handed to a reader (their positions live
 * in the readers' state) and the splits still waiting for their reader.
 */
@Internal
public final class RedisStreamEnumState {
    private final Set<String> assignedStreams;
    private final List<RedisStreamSplit> unassignedSplits;

    public RedisStreamEnumState(Set<String> assignedStreams, List<RedisStreamSplit> unassignedSplits) {
        this.assignedStreams = Set.copyOf(checkNotNull(assignedStreams, "assignedStreams"));
        this.unassignedSplits = List.copyOf(checkNotNull(unassignedSplits, "unassignedSplits"));
    }

    public static RedisStreamEnumState empty() {
        return new RedisStreamEnumState(Set.of(), List.of());
    }

    public Set<String> assignedStreams() {
        return assignedStreams;
    }

    public List<RedisStreamSplit> unassignedSplits() {
        return unassignedSplits;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisStreamEnumState)) {
            return false;
        }
        RedisStreamEnumState that = (RedisStreamEnumState) o;
        return assignedStreams.equals(that.assignedStreams) && unassignedSplits.equals(that.unassignedSplits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(assignedStreams, unassignedSplits);
    }

    @Override
    public String toString() {
        return "RedisStreamEnumState{assigned=" + assignedStreams + ", unassigned=" + unassignedSplits + '}';
    }
}
