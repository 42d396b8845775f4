package io.streamcrawl.connectors.redis.source.reader;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAutoClaimParams;

/**
 * Takes over the entries of a split's stream that are pending under other consumers of the group
 * (an old consumer name, or a reader that is gone) with {@code XAUTOCLAIM ... JUSTID}, into the
 * split's own consumer, which then re-reads them with its own pending entries.
 *
 * <p>Only entries after the split's restored position are claimed: the reader has acknowledged the
 * group's pending entries up to that position before, since the restored state covers them. An
 * entry is claimed once it has been idle for {@code minIdleTime}, so that a consumer still at work
 * keeps its entries; until all of them are claimed the split waits, because reading new entries
 * first would put the claimed ones behind the split's position. Runs on the fetcher thread.
 */
final class PendingEntryClaimer {
    private static final Logger LOG = LoggerFactory.getLogger(PendingEntryClaimer.class);
    /** Longest wait between two attempts while other consumers hold entries not idle enough yet. */
    private static final Duration MAX_RETRY_INTERVAL = Duration.ofSeconds(1);

    private final String group;
    private final Duration minIdleTime;
    private final int batchSize;

    PendingEntryClaimer(String group, Duration minIdleTime, int batchSize) {
        this.group = group;
        this.minIdleTime = minIdleTime;
        this.batchSize = batchSize;
    }

    /** How long to wait before trying again when {@link #claim} left entries behind. */
    Duration retryInterval() {
        Duration interval = minIdleTime.compareTo(MAX_RETRY_INTERVAL) < 0 ? minIdleTime : MAX_RETRY_INTERVAL;
        return interval.toMillis() < 10 ? Duration.ofMillis(10) : interval;
    }

    /**
     * Claims the idle entries pending under other consumers into the cursor's consumer.
     *
     * @return whether no other consumer holds pending entries of the stream any more
     */
    boolean claim(UnifiedJedis redis, StreamCursor cursor) {
        Map<String, Long> others = othersWithPending(redis, cursor);
        if (others.isEmpty()) {
            return true;
        }
        StreamEntryID start = cursor.restoredId == null ? StreamCursor.START : cursor.restoredId;
        XAutoClaimParams params = XAutoClaimParams.xAutoClaimParams().count(batchSize);
        do {
            // Also re-claims the consumer's own idle entries, which changes nothing but their idle time.
            start = redis.xautoclaimJustId(cursor.stream, group, cursor.consumer, minIdleTime.toMillis(), start, params)
                    .getKey();
        } while (!StreamCursor.START.equals(start));
        Map<String, Long> left = othersWithPending(redis, cursor);
        long taken = total(others) - total(left);
        if (taken > 0) {
            // XAUTOCLAIM drops entries deleted from the stream from the pending list: they count here too.
            LOG.info("Stream {}: claimed {} entries pending under consumers {} of group {} into consumer {}",
                    cursor.stream, taken, others.keySet(), group, cursor.consumer);
        }
        if (left.isEmpty()) {
            return true;
        }
        if (!cursor.claimWaitLogged) {
            cursor.claimWaitLogged = true;
            LOG.info("Stream {}: consumers {} of group {} hold {} pending entries idle for less than {};"
                            + " the split reads nothing until it has claimed them",
                    cursor.stream, left, group, total(left), minIdleTime);
        }
        return false;
    }

    private Map<String, Long> othersWithPending(UnifiedJedis redis, StreamCursor cursor) {
        Map<String, Long> counts = redis.xpending(cursor.stream, group).getConsumerMessageCount();
        Map<String, Long> others = counts == null ? new TreeMap<>() : new TreeMap<>(counts);
        others.remove(cursor.consumer);
        others.values().removeIf(count -> count == null || count == 0);
        return others;
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
