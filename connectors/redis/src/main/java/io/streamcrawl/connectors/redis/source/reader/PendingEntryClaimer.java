package io.streamcrawl.connectors.redis.source.reader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.internal.StreamCommands;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Takes over the entries of a split's stream that other consumers of the group hold (an old
 * consumer name, a reader that is gone, a stray reader of the group), and re-reads the ones taken
 * over but not emitted before a restore or a transient failure. Runs on the fetcher thread.
 *
 * <p>The source emits only through its splits' consumers, so an entry another consumer holds was
 * never emitted by the source, wherever its ID lies relative to the split's position. Once it has
 * been idle for {@code minIdleTime} (so that a consumer still at work keeps its entries), it is
 * claimed with {@code XCLAIM} into the split's claim consumer and emitted out of stream order; the
 * split state lists its ID until it is acknowledged.
 */
final class PendingEntryClaimer {
    private static final Logger LOG = LoggerFactory.getLogger(PendingEntryClaimer.class);

    private final String group;
    private final Duration minIdleTime;
    private final int batchSize;
    private final StreamCommands commands;

    PendingEntryClaimer(String group, Duration minIdleTime, int batchSize, StreamCommands commands) {
        this.group = group;
        this.minIdleTime = minIdleTime;
        this.batchSize = batchSize;
        this.commands = commands;
    }

    /**
     * Claims the entries of {@link StreamCursor#othersWithPending} idle for {@code minIdleTime} into
     * the claim consumer, and returns them to be emitted. Entries deleted from the stream meanwhile
     * leave the pending list and are not returned. When a call fails, the entries claimed so far
     * (also by an {@code XCLAIM} whose reply was lost) stay with the claim consumer for {@link
     * #rereadClaimed}.
     */
    List<StreamEntry> claim(UnifiedJedis redis, StreamCursor cursor) {
        List<StreamEntry> claimed = new ArrayList<>();
        for (String other : cursor.othersWithPending.keySet()) {
            int before = claimed.size();
            String from = "-";
            while (true) {
                List<StreamPendingEntry> idle = redis.xpending(cursor.stream, group,
                        XPendingParams.xPendingParams(from, "+", batchSize).idle(minIdleTime.toMillis()).consumer(other));
                if (idle.isEmpty()) {
                    break;
                }
                StreamEntryID[] ids = idle.stream().map(StreamPendingEntry::getID).toArray(StreamEntryID[]::new);
                for (StreamEntry entry : commands.claim(redis, cursor.stream, group, cursor.claimConsumer, minIdleTime, ids)) {
                    claimed.add(new ClaimedStreamEntry(entry.getID(), entry.getFields()));
                }
                if (idle.size() < batchSize) {
                    break;
                }
                from = "(" + ids[ids.length - 1];
            }
            if (claimed.size() > before) {
                LOG.info("Stream {}: claimed {} entries that consumer {} of group {} held for {} or more into consumer"
                                + " {}; emitting them out of stream order", cursor.stream, claimed.size() - before, other,
                        group, minIdleTime, cursor.claimConsumer);
            }
        }
        return claimed;
    }

    /**
     * The claim consumer's next pending entries from {@link StreamCursor#claimedFrom} on that were
     * not handed out ({@link StreamCursor#claimedUnacknowledged}): after a restore, those claimed
     * but not emitted before the restored checkpoint (the ones it lists were acknowledged first);
     * after a transient failure, those of a claim whose reply was lost. An empty list means done.
     */
    List<StreamEntry> rereadClaimed(UnifiedJedis redis, StreamCursor cursor) {
        if (StreamCursor.START.equals(cursor.claimedFrom)) {
            // Reading as the claim consumer would create it: only when it holds anything.
            Map<String, Long> counts = redis.xpending(cursor.stream, group).getConsumerMessageCount();
            if (counts == null || counts.getOrDefault(cursor.claimConsumer, 0L) == 0) {
                return List.of();
            }
        }
        while (true) {
            List<Map.Entry<String, List<StreamEntry>>> reply = redis.xreadGroup(group, cursor.claimConsumer,
                    XReadGroupParams.xReadGroupParams().count(batchSize), Map.of(cursor.stream, cursor.claimedFrom));
            List<StreamEntry> entries = reply == null || reply.isEmpty() ? List.of() : reply.get(0).getValue();
            if (entries.isEmpty()) {
                return List.of();
            }
            cursor.claimedFrom = entries.get(entries.size() - 1).getID();
            List<StreamEntry> claimed = new ArrayList<>(entries.size());
            for (StreamEntry entry : entries) {
                if (!cursor.claimedUnacknowledged.contains(entry.getID())) {
                    claimed.add(new ClaimedStreamEntry(entry.getID(), entry.getFields()));
                }
            }
            if (!claimed.isEmpty()) {
                return claimed;
            }
        }
    }
}
