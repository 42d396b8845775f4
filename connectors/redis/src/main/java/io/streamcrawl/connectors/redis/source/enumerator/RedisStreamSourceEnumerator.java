package io.streamcrawl.connectors.redis.source.enumerator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;

/**
 * Hands each configured stream key, as one split, to a reader: the stream at position {@code i} of
 * the configured list goes to subtask {@code i % parallelism}. Splits are never finished and never
 * taken back, so the enumerator needs no Redis connection and no threads.
 *
 * <p>Streams already assigned (the enumerator's checkpoint) are not assigned again: their
 * positions are in the readers' state. A stream added to the list before a restore is assigned
 * then; a stream removed from the list keeps being read by the reader that restored it.
 */
@Internal
public final class RedisStreamSourceEnumerator implements SplitEnumerator<RedisStreamSplit, RedisStreamEnumState> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamSourceEnumerator.class);

    private final SplitEnumeratorContext<RedisStreamSplit> context;
    private final List<String> streams;
    private final Set<String> assignedStreams;
    /** Splits waiting for their reader to register, by split ID, in assignment order. */
    private final Map<String, RedisStreamSplit> unassigned = new LinkedHashMap<>();

    public RedisStreamSourceEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> context, List<String> streams, RedisStreamEnumState restored) {
        this.context = context;
        this.streams = List.copyOf(streams);
        this.assignedStreams = new LinkedHashSet<>(restored.assignedStreams());
        restored.unassignedSplits().forEach(split -> unassigned.put(split.splitId(), split));
    }

    @Override
    public void start() {
        for (String stream : streams) {
            if (!assignedStreams.contains(stream) && !unassigned.containsKey(stream)) {
                unassigned.put(stream, RedisStreamSplit.of(stream));
            }
        }
        for (String stream : assignedStreams) {
            if (!streams.contains(stream)) {
                LOG.info("Stream {} is no longer configured but was assigned before the restore;"
                        + " the reader that restored it keeps reading it", stream);
            }
        }
        assignPending();
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed when readers register; there is nothing more to hand out on request.
    }

    @Override
    public void addSplitsBack(List<RedisStreamSplit> splits, int subtaskId) {
        LOG.debug("Splits {} of failed subtask {} are back", splits, subtaskId);
        for (RedisStreamSplit split : splits) {
            assignedStreams.remove(split.stream());
            unassigned.put(split.splitId(), split);
        }
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    @Override
    public RedisStreamEnumState snapshotState(long checkpointId) {
        return new RedisStreamEnumState(assignedStreams, new ArrayList<>(unassigned.values()));
    }

    @Override
    public void close() {}

    private void assignPending() {
        int parallelism = context.currentParallelism();
        Set<Integer> registered = context.registeredReaders().keySet();
        Map<Integer, List<RedisStreamSplit>> assignment = new HashMap<>();
        for (RedisStreamSplit split : unassigned.values()) {
            int owner = owner(split.stream(), parallelism);
            if (registered.contains(owner)) {
                assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
            }
        }
        if (assignment.isEmpty()) {
            return;
        }
        assignment.values().forEach(splits -> splits.forEach(split -> {
            unassigned.remove(split.splitId());
            assignedStreams.add(split.stream());
        }));
        LOG.info("Assigning stream splits {}", assignment);
        context.assignSplits(new SplitsAssignment<>(assignment));
    }

    private int owner(String stream, int parallelism) {
        int index = streams.indexOf(stream);
        return Math.floorMod(index >= 0 ? index : stream.hashCode(), parallelism);
    }
}
