package io.streamcrawl.connectors.redis.source.reader;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import javax.annotation.Nullable;

import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics.SplitMetrics;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import redis.clients.jedis.StreamEntryID;

/**
 * Where one split's consumers read next, and in which phase; touched only by the fetcher thread.
 *
 * <p>A split has two consumers: {@link #consumer} reads the stream in order, {@link
 * #claimConsumer} holds the entries claimed from other consumers of the group, which are emitted
 * out of order and acknowledged by ID.
 *
 * <p>A split goes through the phases in order: {@link Phase#NEW} (group not yet checked), {@link
 * Phase#CLAIMED} (re-reading the claim consumer's entries not emitted), {@link Phase#PENDING}
 * (re-reading its consumer's own pending entries after its position), {@link Phase#LIVE} (reading
 * new entries, and claiming those other consumers hold). A vanished group sends it back to {@code
 * NEW}; a transient failure back to {@code CLAIMED} ({@link #rereadUnemitted}), as Redis may
 * have handed entries to either consumer in a reply that was lost, and so does a claim consumer
 * holding more than the split handed out (another reader claims under its name).
 */
final class StreamCursor {
    static final StreamEntryID START = new StreamEntryID(0, 0);

    enum Phase {
        NEW,
        CLAIMED,
        PENDING,
        LIVE
    }

    final String stream;
    final String consumer;
    final String claimConsumer;
    /** The position restored from a checkpoint: every entry of the consumer up to it was emitted. */
    @Nullable final StreamEntryID restoredId;
    /** The claimed entries emitted before the restored checkpoint. */
    final Set<String> restoredClaimedIds;
    Phase phase = Phase.NEW;
    StreamEntryID claimedFrom = START;
    StreamEntryID pendingFrom = START;
    long reread;
    /**
     * Highest ID of the consumer handed out: the position its pending entries are re-read after,
     * and below which entries Redis delivers twice after losing its state are dropped.
     */
    @Nullable StreamEntryID lastFetched;
    /**
     * Claimed entries handed out and not yet acknowledged: the claim consumer still holds them, and
     * a re-read of its entries after a failure must not emit them again.
     */
    final Set<StreamEntryID> claimedUnacknowledged = new HashSet<>();
    /** Other consumers of the group holding entries of the stream, as last seen while live. */
    Map<String, Long> othersWithPending = Map.of();
    final SplitMetrics metrics;

    StreamCursor(RedisStreamSplit split, String group, SplitMetrics metrics) {
        this.metrics = metrics;
        this.stream = split.stream();
        this.consumer = consumerName(group, split.stream());
        this.claimConsumer = consumer + "-claimed";
        this.restoredId = split.lastEmittedId().map(StreamEntryID::new).orElse(null);
        this.restoredClaimedIds = split.claimedIds();
        this.lastFetched = restoredId;
    }

    /** The consumer that reads a stream's split: stable across restarts and rescaling. */
    static String consumerName(String group, String stream) {
        return group + "-" + stream;
    }

    /** The ID the consumer's pending entries are re-read after: the last one handed out, or the start. */
    StreamEntryID position() {
        return lastFetched != null ? lastFetched : START;
    }

    /**
     * Re-read what the split's consumers hold and it has not handed out, before reading new
     * entries: the claim consumer's entries, then the consumer's pending entries after {@link
     * #position}. A split whose group was not checked yet reads them anyway.
     */
    void rereadUnemitted() {
        if (phase != Phase.NEW) {
            phase = Phase.CLAIMED;
            claimedFrom = START;
        }
    }

    /** Starts re-reading the consumer's pending entries after {@link #position}. */
    void rereadPending() {
        phase = Phase.PENDING;
        pendingFrom = position();
        reread = 0;
    }

    Map<String, StreamEntryID> readFrom() {
        return Map.of(stream, phase == Phase.PENDING ? pendingFrom : StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
    }
}
