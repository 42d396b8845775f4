package io.streamcrawl.connectors.redis.source.split;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;

/**
 * The mutable position of a {@link RedisStreamSplit} while a reader emits from it: the ID of the
 * last entry emitted in stream order, and the claimed entries emitted out of it. Touched only by
 * the task thread.
 */
@Internal
public final class RedisStreamSplitState {
    private final String stream;
    @Nullable private String lastEmittedId;
    private final SortedSet<String> claimedIds;

    public RedisStreamSplitState(RedisStreamSplit split) {
        this.stream = split.stream();
        this.lastEmittedId = split.lastEmittedId().orElse(null);
        this.claimedIds = new TreeSet<>(split.claimedIds());
    }

    public String stream() {
        return stream;
    }

    @Nullable
    public String lastEmittedId() {
        return lastEmittedId;
    }

    public void setLastEmittedId(String id) {
        this.lastEmittedId = id;
    }

    /** Records a claimed entry as emitted; it stays in the state until its acknowledgement is known. */
    public void addClaimedId(String id) {
        claimedIds.add(id);
    }

    /** Forgets claimed entries that have been acknowledged. */
    public void removeClaimedIds(Collection<String> ids) {
        claimedIds.removeAll(ids);
    }

    public RedisStreamSplit toSplit() {
        return new RedisStreamSplit(stream, lastEmittedId, claimedIds);
    }
}
