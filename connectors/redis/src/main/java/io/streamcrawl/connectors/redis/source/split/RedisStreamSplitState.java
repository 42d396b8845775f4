package io.streamcrawl.connectors.redis.source.split;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;

/**
 * The mutable position of a {@link RedisStreamSplit} while a reader emits from it: the ID of the
 * last entry emitted. Touched only by the task thread.
 */
@Internal
public final class RedisStreamSplitState {
    private final String stream;
    @Nullable private String lastEmittedId;

    public RedisStreamSplitState(RedisStreamSplit split) {
        this.stream = split.stream();
        this.lastEmittedId = split.lastEmittedId().orElse(null);
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

    public RedisStreamSplit toSplit() {
        return new RedisStreamSplit(stream, lastEmittedId);
    }
}
