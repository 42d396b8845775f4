package io.streamcrawl.connectors.redis.source.reader;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplitState;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The source reader: emits the entries the fetcher reads and acknowledges them once a checkpoint
 * that covers them has completed.
 *
 * <p>{@link #snapshotState} remembers, per checkpoint, the last ID emitted per stream; {@link
 * #notifyCheckpointComplete} hands those IDs to the fetcher thread, which acknowledges every
 * pending entry of the split's consumer up to them. Both run on the task thread.
 */
@Internal
public final class RedisStreamSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<StreamEntry, T, RedisStreamSplit, RedisStreamSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamSourceReader.class);

    private final SortedMap<Long, Map<String, String>> lastEmittedIdsByCheckpoint = new TreeMap<>();

    public RedisStreamSourceReader(
            RedisStreamFetcherManager fetcherManager,
            RedisStreamRecordEmitter<T> recordEmitter,
            Configuration config,
            SourceReaderContext context) {
        super(fetcherManager, recordEmitter, config, context);
    }

    @Override
    public List<RedisStreamSplit> snapshotState(long checkpointId) {
        List<RedisStreamSplit> splits = super.snapshotState(checkpointId);
        Map<String, String> lastEmittedIds = new HashMap<>();
        for (RedisStreamSplit split : splits) {
            split.lastEmittedId().ifPresent(id -> lastEmittedIds.put(split.stream(), id));
        }
        lastEmittedIdsByCheckpoint.put(checkpointId, lastEmittedIds);
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        long completedNanos = System.nanoTime();
        super.notifyCheckpointComplete(checkpointId);
        Map<String, String> lastEmittedIds = lastEmittedIdsByCheckpoint.get(checkpointId);
        // A completed checkpoint subsumes the earlier ones, whose notifications may never come.
        lastEmittedIdsByCheckpoint.headMap(checkpointId + 1).clear();
        if (lastEmittedIds == null || lastEmittedIds.isEmpty()) {
            LOG.debug("Checkpoint {}: nothing to acknowledge", checkpointId);
            return;
        }
        ((RedisStreamFetcherManager) splitFetcherManager).acknowledge(checkpointId, lastEmittedIds, completedNanos);
    }

    @Override
    protected void onSplitFinished(Map<String, RedisStreamSplitState> finishedSplitIds) {
        // Stream splits are unbounded and never finish.
    }

    @Override
    protected RedisStreamSplitState initializedState(RedisStreamSplit split) {
        return new RedisStreamSplitState(split);
    }

    @Override
    protected RedisStreamSplit toSplitType(String splitId, RedisStreamSplitState splitState) {
        return splitState.toSplit();
    }
}
