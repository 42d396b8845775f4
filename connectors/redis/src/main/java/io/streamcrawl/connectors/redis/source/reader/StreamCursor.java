package io.streamcrawl.connectors.redis.source.reader;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import javax.annotation.Nullable;

import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics.SplitMetrics;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import redis.clients.jedis.StreamEntryID;

/**
 * Where one split's consumer reads next, and in which phase; touched only by the fetcher thread.
 *
 * <p>A split goes through the phases in order: {@link Phase#NEW} (group not yet checked),
 * {@link Phase#CLAIMING} (taking over the entries pending under other consumers of the group),
 * {@link Phase#PENDING} (re-reading its consumer's own pending entries), {@link Phase#LIVE}
 * (reading new entries). A vanished group sends it back to {@code NEW}.
 */
final class StreamCursor {
    static final StreamEntryID START = new StreamEntryID(0, 0);

    enum Phase {
        NEW,
        CLAIMING,
        PENDING,
        LIVE
    }

    final String stream;
    final String consumer;
    /** The position restored from a checkpoint: every entry of the group up to it was emitted. */
    @Nullable final StreamEntryID restoredId;
    Phase phase = Phase.NEW;
    StreamEntryID pendingFrom = START;
    long reread;
    /** Highest ID handed out, to drop entries Redis delivers twice after losing its state. */
    @Nullable StreamEntryID lastFetched;
    /** When the next claim attempt is due (System.nanoTime()), while other consumers hold entries. */
    long nextClaimNanos;
    boolean claimWaitLogged;
    /** Other consumers of the group already warned about while this split was live. */
    final Set<String> warnedConsumers = new HashSet<>();
    final SplitMetrics metrics;

    StreamCursor(RedisStreamSplit split, String group, SplitMetrics metrics) {
        this.metrics = metrics;
        this.stream = split.stream();
        this.consumer = consumerName(group, split.stream());
        this.restoredId = split.lastEmittedId().map(StreamEntryID::new).orElse(null);
        this.lastFetched = restoredId;
    }

    /** The consumer that reads a stream's split: stable across restarts and rescaling. */
    static String consumerName(String group, String stream) {
        return group + "-" + stream;
    }

    Map<String, StreamEntryID> readFrom() {
        return Map.of(stream, phase == Phase.PENDING ? pendingFrom : StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
    }
}
