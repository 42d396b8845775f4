package io.streamcrawl.connectors.redis.sink;

import java.io.Serializable;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Maps a record to the stream entry that {@link RedisStreamSink} appends: it picks the stream key
 * and the fields. Called on the task thread; must not return null.
 */
@PublicEvolving
@FunctionalInterface
public interface RedisStreamSerializer<T> extends Serializable {
    RedisStreamEntry serialize(T element);
}
