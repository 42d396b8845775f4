package io.streamcrawl.connectors.redis.source.reader;

import java.util.ArrayList;
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
 * <p>{@link #snapshotState} remembers, per checkpoint, the splits' positions: the last ID emitted
 * per stream and the claimed entries emitted out of order; {@link #notifyCheckpointComplete} hands
 * them to the fetcher thread, which acknowledges every pending entry of the split's consumer up to
 * the position, and the claimed entries by ID. Claimed entries leave the split state at the next
 * snapshot after their acknowledgement succeeded. All of this runs on the task thread.
 */
@Internal
public final class RedisStreamSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<StreamEntry, T, RedisStreamSplit, RedisStreamSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamSourceReader.class);

    private final SortedMap<Long, List<RedisStreamSplit>> positionsByCheckpoint = new TreeMap<>();
    private final Map<String, RedisStreamSplitState> states = new HashMap<>();
    private final AcknowledgedClaims acknowledgedClaims;

    public RedisStreamSourceReader(
            RedisStreamFetcherManager fetcherManager,
            RedisStreamRecordEmitter<T> recordEmitter,
            Configuration config,
            SourceReaderContext context,
            AcknowledgedClaims acknowledgedClaims) {
        super(fetcherManager, recordEmitter, config, context);
        this.acknowledgedClaims = acknowledgedClaims;
    }

    @Override
    public List<RedisStreamSplit> snapshotState(long checkpointId) {
        acknowledgedClaims.removeFrom(states);
        List<RedisStreamSplit> splits = super.snapshotState(checkpointId);
        List<RedisStreamSplit> positions = new ArrayList<>();
        for (RedisStreamSplit split : splits) {
            if (split.lastEmittedId().isPresent() || !split.claimedIds().isEmpty()) {
                positions.add(split);
            }
        }
        positionsByCheckpoint.put(checkpointId, positions);
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        long completedNanos = System.nanoTime();
        super.notifyCheckpointComplete(checkpointId);
        List<RedisStreamSplit> positions = positionsByCheckpoint.get(checkpointId);
        // A completed checkpoint subsumes the earlier ones, whose notifications may never come.
        positionsByCheckpoint.headMap(checkpointId + 1).clear();
        if (positions == null || positions.isEmpty()) {
            LOG.debug("Checkpoint {}: nothing to acknowledge", checkpointId);
            return;
        }
        ((RedisStreamFetcherManager) splitFetcherManager).acknowledge(checkpointId, positions, completedNanos);
    }

    @Override
    protected void onSplitFinished(Map<String, RedisStreamSplitState> finishedSplitIds) {
        // Stream splits are unbounded and never finish.
    }

    @Override
    protected RedisStreamSplitState initializedState(RedisStreamSplit split) {
        RedisStreamSplitState state = new RedisStreamSplitState(split);
        states.put(split.stream(), state);
        return state;
    }

    @Override
    protected RedisStreamSplit toSplitType(String splitId, RedisStreamSplitState splitState) {
        return splitState.toSplit();
    }
}
