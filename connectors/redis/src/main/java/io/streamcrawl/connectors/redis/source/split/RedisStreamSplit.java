package io.streamcrawl.connectors.redis.source.split;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.util.Objects;
import java.util.Optional;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One Redis stream read through the source's consumer group, and the ID of the last entry
 * emitted from it (absent when nothing was emitted yet). Immutable; the split ID is the key.
 */
@Internal
public final class RedisStreamSplit implements SourceSplit {
    private final String stream;
    @Nullable private final String lastEmittedId;

    public RedisStreamSplit(String stream, @Nullable String lastEmittedId) {
        this.stream = checkNotNull(stream, "stream");
        checkArgument(!stream.isEmpty(), "stream key must not be empty");
        this.lastEmittedId = lastEmittedId;
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

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisStreamSplit)) {
            return false;
        }
        RedisStreamSplit that = (RedisStreamSplit) o;
        return stream.equals(that.stream) && Objects.equals(lastEmittedId, that.lastEmittedId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, lastEmittedId);
    }

    @Override
    public String toString() {
        return "RedisStreamSplit{stream=" + stream + ", lastEmittedId=" + lastEmittedId + '}';
    }
}
