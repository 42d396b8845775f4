package io.streamcrawl.connectors.redis.source.split;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One Redis stream read through the source's consumer group and how far it was emitted: the ID of
 * the last entry emitted in stream order (absent when nothing was emitted yet), and the IDs of
 * entries claimed from other consumers while the split was reading, emitted out of that order and
 * not yet known to be acknowledged. Immutable; the split ID is the key.
 */
@Internal
public final class RedisStreamSplit implements SourceSplit {
    private final String stream;
    @Nullable private final String lastEmittedId;
    private final SortedSet<String> claimedIds;

    public RedisStreamSplit(String stream, @Nullable String lastEmittedId) {
        this(stream, lastEmittedId, List.of());
    }

    public RedisStreamSplit(String stream, @Nullable String lastEmittedId, Collection<String> claimedIds) {
        this.stream = checkNotNull(stream, "stream");
        checkArgument(!stream.isEmpty(), "stream key must not be empty");
        this.lastEmittedId = lastEmittedId;
        this.claimedIds = Collections.unmodifiableSortedSet(new TreeSet<>(claimedIds));
    }

    /** A split nothing has been emitted from yet. */
    public static RedisStreamSplit of(String stream) {
        return new RedisStreamSplit(stream, null);
    }

    @Override
    public String splitId() {
        return stream;
    }

    public String stream() {
        return stream;
    }

    /** The stream entry ID (e.g. {@code 1700000000000-0}) last emitted; entries after it are unread. */
    public Optional<String> lastEmittedId() {
        return Optional.ofNullable(lastEmittedId);
    }

    /**
     * Entries taken over from other consumers of the group while the split was reading, already
     * emitted, wherever they lie relative to {@link #lastEmittedId()}.
     */
    public SortedSet<String> claimedIds() {
        return claimedIds;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisStreamSplit)) {
            return false;
        }
        RedisStreamSplit that = (RedisStreamSplit) o;
        return stream.equals(that.stream) && Objects.equals(lastEmittedId, that.lastEmittedId)
                && claimedIds.equals(that.claimedIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, lastEmittedId, claimedIds);
    }

    @Override
    public String toString() {
        return "RedisStreamSplit{stream=" + stream + ", lastEmittedId=" + lastEmittedId
                + (claimedIds.isEmpty() ? "" : ", claimedIds=" + claimedIds) + '}';
    }
}
