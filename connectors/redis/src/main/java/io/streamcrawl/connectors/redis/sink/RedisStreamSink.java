package io.streamcrawl.connectors.redis.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;

/**
 * An at-least-once sink that appends each record to a Redis stream ({@code XADD}), the stream key
 * chosen per record by the {@link RedisStreamSerializer}.
 *
 * <p>Writers buffer entries and send them as one pipelined batch when the buffer is full, when
 * the flush interval has passed, before every checkpoint and at end of input. A batch that fails
 * on a lost connection is sent again whole, so an entry may be appended twice. Build with {@link
 * #builder()}.
 */
@PublicEvolving
public final class RedisStreamSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final RedisConnectionConfig connection;
    private final RedisStreamSerializer<T> serializer;
    private final Configuration options;

    RedisStreamSink(RedisConnectionConfig connection, RedisStreamSerializer<T> serializer, Configuration options) {
        this.connection = connection;
        this.serializer = serializer;
        this.options = options;
    }

    public static <T> RedisStreamSinkBuilder<T> builder() {
        return new RedisStreamSinkBuilder<>();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new RedisStreamWriter<>(connection, serializer, options, context);
    }
}
