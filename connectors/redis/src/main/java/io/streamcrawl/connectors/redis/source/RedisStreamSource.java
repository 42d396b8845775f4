package io.streamcrawl.connectors.redis.source;

import java.util.List;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.source.enumerator.RedisStreamEnumState;
import io.streamcrawl.connectors.redis.source.enumerator.RedisStreamEnumStateSerializer;
import io.streamcrawl.connectors.redis.source.enumerator.RedisStreamSourceEnumerator;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.connectors.redis.source.reader.AcknowledgedClaims;
import io.streamcrawl.connectors.redis.source.reader.RedisStreamFetcherManager;
import io.streamcrawl.connectors.redis.source.reader.RedisStreamRecordEmitter;
import io.streamcrawl.connectors.redis.source.reader.RedisStreamSourceReader;
import io.streamcrawl.connectors.redis.source.reader.RedisStreamSplitReader;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplitSerializer;

/**
 * An unbounded source that reads Redis streams through a consumer group, one split per stream key.
 *
 * <p>Each split is read by the consumer {@code <group>-<streamKey>} (stable, so its pending list
 * survives restarts and rescaling). The position that counts is Flink's: each checkpoint holds the
 * ID last emitted per stream; when a checkpoint completes, the entries it covers are acknowledged
 * (XACK, then XDEL unless {@link RedisStreamSourceOptions#ACK_DELETE} is off). After a restore, a
 * split first acknowledges its consumer's pending entries up to the checkpointed ID, then emits its
 * pending entries after it, then new ones: nothing is lost, and nothing is emitted twice relative
 * to the restored state. The source needs checkpointing: without it nothing is ever acknowledged.
 *
 * <p>The source emits only through its splits' consumers, so entries that any other consumer of
 * the group holds (an older consumer name, a reader that is gone, a stray reader of the group)
 * were never emitted: once idle for {@link RedisStreamSourceOptions#CLAIM_MIN_IDLE_TIME} they are
 * claimed into the consumer {@code <group>-<streamKey>-claimed} and emitted out of stream order;
 * the split state lists them by ID until they are acknowledged, so they too are emitted exactly
 * once relative to the restored state. A reader logs a warning when no checkpoint completes
 * within {@link RedisStreamSourceOptions#NO_CHECKPOINT_WARNING} after it started reading.
 *
 * <p>With {@link io.streamcrawl.connectors.redis.RedisFenceOptions} set, every read, claim and
 * acknowledgement first checks a {@link io.streamcrawl.connectors.redis.StreamFence} in the same
 * Lua script: a reader whose fence another holder took changes nothing in the group, so the entries
 * it had read and not acknowledged stay pending for the split's consumer, and the holder's reader
 * re-reads them.
 *
 * <p>Each record carries the entry ID's millisecond part as its timestamp. Build with {@link
 * #builder()}.
 */
@PublicEvolving
public final class RedisStreamSource<T>
        implements Source<T, RedisStreamSplit, RedisStreamEnumState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final RedisConnectionConfig connection;
    private final List<String> streams;
    private final String group;
    private final RedisStreamDeserializer<T> deserializer;
    private final Configuration options;

    RedisStreamSource(
            RedisConnectionConfig connection,
            List<String> streams,
            String group,
            RedisStreamDeserializer<T> deserializer,
            Configuration options) {
        this.connection = connection;
        this.streams = List.copyOf(streams);
        this.group = group;
        this.deserializer = deserializer;
        this.options = options;
    }

    public static <T> RedisStreamSourceBuilder<T> builder() {
        return new RedisStreamSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, RedisStreamSplit> createReader(SourceReaderContext context) {
        Configuration readerConfig = new Configuration(options);
        int subtask = context.getIndexOfSubtask();
        RedisStreamSourceReaderMetrics metrics = new RedisStreamSourceReaderMetrics(context.metricGroup());
        AcknowledgedClaims acknowledgedClaims = new AcknowledgedClaims();
        RedisStreamFetcherManager fetcherManager = new RedisStreamFetcherManager(
                () -> new RedisStreamSplitReader(connection, group, readerConfig, subtask, metrics, acknowledgedClaims),
                readerConfig);
        RedisStreamRecordEmitter<T> emitter = new RedisStreamRecordEmitter<>(deserializer, metrics);
        return new RedisStreamSourceReader<>(fetcherManager, emitter, readerConfig, context, acknowledgedClaims);
    }

    @Override
    public SplitEnumerator<RedisStreamSplit, RedisStreamEnumState> createEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> context) {
        return new RedisStreamSourceEnumerator(context, streams, RedisStreamEnumState.empty());
    }

    @Override
    public SplitEnumerator<RedisStreamSplit, RedisStreamEnumState> restoreEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> context, RedisStreamEnumState checkpoint) {
        return new RedisStreamSourceEnumerator(context, streams, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<RedisStreamSplit> getSplitSerializer() {
        return RedisStreamSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<RedisStreamEnumState> getEnumeratorCheckpointSerializer() {
        return new RedisStreamEnumStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }
}
