package io.streamcrawl.connectors.redis.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.base.sink.writer.strategy.AIMDScalingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.CongestionControlRateLimitingStrategy;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisRetryOptions;

/**
 * An at-least-once sink that appends each record to a Redis stream ({@code XADD}), the stream key
 * chosen per record by the {@link RedisStreamSerializer}.
 *
 * <p>Built on flink-connector-base's {@link AsyncSinkBase}: writers buffer entries and hand them
 * in batches to an I/O thread that sends each batch as one pipelined round trip, when a batch is
 * full, when the flush interval has passed, before every checkpoint (which waits until every
 * batch is written) and at end of input. The buffer is bounded ({@link RedisStreamSinkOptions}):
 * a slow or unreachable Redis blocks the writer and back-pressures the job. A batch that fails on
 * a lost connection is sent again whole, so an entry may be appended twice. With {@link
 * io.streamcrawl.connectors.redis.RedisFenceOptions} set, each batch is appended by one Lua script
 * per stream that first checks the {@link io.streamcrawl.connectors.redis.StreamFence}. Build with
 * {@link #builder()}.
 */
@PublicEvolving
public final class RedisStreamSink<T> extends AsyncSinkBase<T, RedisStreamEntry> {
    private static final long serialVersionUID = 1L;
    /** Redis' largest bulk string by default (proto-max-bulk-len): entries are limited by count, not size. */
    static final long MAX_ENTRY_BYTES = 512L * 1024 * 1024;

    private final RedisConnectionConfig connection;
    private final Configuration options;

    RedisStreamSink(RedisConnectionConfig connection, RedisStreamSerializer<T> serializer, Configuration options) {
        super(new EntryConverter<>(serializer),
                options.get(RedisStreamSinkOptions.BATCH_SIZE),
                options.get(RedisStreamSinkOptions.MAX_IN_FLIGHT_BATCHES),
                options.get(RedisStreamSinkOptions.MAX_BUFFERED_ENTRIES),
                MAX_ENTRY_BYTES,
                options.get(RedisStreamSinkOptions.FLUSH_INTERVAL).toMillis(),
                MAX_ENTRY_BYTES,
                requestTimeout(options).toMillis(),
                false);
        this.connection = connection;
        this.options = options;
    }

    public static <T> RedisStreamSinkBuilder<T> builder() {
        return new RedisStreamSinkBuilder<>();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<RedisStreamEntry>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<RedisStreamEntry>> recoveredState) {
        return new RedisStreamWriter<>(connection, options, getElementConverter(), writerConfiguration(), context,
                recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<RedisStreamEntry>> getWriterStateSerializer() {
        return new RedisStreamEntryStateSerializer();
    }

    /**
     * The base's limits, with the congestion control started at its ceiling: the writer retries a
     * failed batch itself and never reports failed entries, so AIMD would only ever scale up.
     */
    private AsyncSinkWriterConfiguration writerConfiguration() {
        int inFlightEntries = getMaxBatchSize() * getMaxInFlightRequests();
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .setRequestTimeoutMS(getRequestTimeoutMS())
                .setFailOnTimeout(getFailOnTimeout())
                .setRateLimitingStrategy(CongestionControlRateLimitingStrategy.builder()
                        .setMaxInFlightRequests(getMaxInFlightRequests())
                        .setInitialMaxInFlightMessages(inFlightEntries)
                        .setScalingStrategy(AIMDScalingStrategy.builder(inFlightEntries).build())
                        .build())
                .build();
    }

    /**
     * The writer's I/O thread retries a batch until {@link RedisRetryOptions#TIMEOUT} and then fails
     * the job; Flink's request timeout, which would hand the batch back for another try while the
     * thread still works on it, only covers a thread stuck past that for every batch in flight.
     */
    private static Duration requestTimeout(Configuration options) {
        Duration perBatch = options.get(RedisRetryOptions.TIMEOUT).plus(Duration.ofMinutes(1));
        return perBatch.multipliedBy(options.get(RedisStreamSinkOptions.MAX_IN_FLIGHT_BATCHES));
    }

    /** Applies the user's serializer on the task thread; a null entry is a bug in the serializer. */
    private static final class EntryConverter<T> implements ElementConverter<T, RedisStreamEntry> {
        private static final long serialVersionUID = 1L;

        private final RedisStreamSerializer<T> serializer;

        EntryConverter(RedisStreamSerializer<T> serializer) {
            this.serializer = serializer;
        }

        @Override
        public RedisStreamEntry apply(T element, SinkWriter.Context context) {
            RedisStreamEntry entry = serializer.serialize(element);
            if (entry == null) {
                throw new IllegalStateException("serializer " + serializer + " returned null for " + element);
            }
            return entry;
        }
    }
}
