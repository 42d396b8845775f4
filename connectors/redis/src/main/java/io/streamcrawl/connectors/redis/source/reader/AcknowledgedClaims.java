package io.streamcrawl.connectors.redis.source.reader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.flink.annotation.Internal;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplitState;

/**
 * Hands the IDs of claimed entries that Redis has acknowledged from the fetcher thread to the task
 * thread, which then drops them from the split states: a claimed entry leaves the state only once
 * its acknowledgement succeeded, so a restore never emits it again.
 */
@Internal
public final class AcknowledgedClaims {
    private final ConcurrentLinkedQueue<Map.Entry<String, List<String>>> acknowledged = new ConcurrentLinkedQueue<>();

    /** Fetcher thread: the claimed entries of a stream that were acknowledged. */
    void add(String stream, List<String> ids) {
        acknowledged.add(Map.entry(stream, new ArrayList<>(ids)));
    }

    /** Task thread: removes every acknowledged claim reported so far from the split states. */
    void removeFrom(Map<String, RedisStreamSplitState> states) {
        Map.Entry<String, List<String>> next;
        while ((next = acknowledged.poll()) != null) {
            RedisStreamSplitState state = states.get(next.getKey());
            if (state != null) {
                state.removeClaimedIds(next.getValue());
            }
        }
    }
}
