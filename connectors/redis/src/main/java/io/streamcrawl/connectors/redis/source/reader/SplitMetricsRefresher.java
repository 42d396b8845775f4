package io.streamcrawl.connectors.redis.source.reader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.internal.ConnectionRetry;
import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.connectors.redis.source.reader.StreamCursor.Phase;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * Refreshes the per-split gauges (pending count and consumer-group lag) at most once per {@link
 * #INTERVAL}, in one pipelined round trip of {@code XPENDING} and {@code XINFO GROUPS} per split.
 * Runs on the fetcher thread, between reads: while the fetcher is blocked on a full element queue,
 * the gauges keep their last values.
 *
 * <p>Redis (7.0) reports no lag when entries were deleted after the group's last delivered ID;
 * then the entries after that ID are counted with {@code XRANGE}, up to {@code lagScanLimit}, and
 * the lag is unknown (-1) past that, with the count seen as its lower bound for {@code pendingRecords}. The same {@code XPENDING} summary tells which other consumers
 * of the group hold entries of a live split's stream ({@link StreamCursor#othersWithPending}), for
 * the reader to claim them, and whether its claim consumer holds entries the split has not handed
 * out (another reader claimed under that name): then the split re-reads them.
 */
final class SplitMetricsRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(SplitMetricsRefresher.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final String group;
    private final int lagScanLimit;
    private long nextRefreshNanos = System.nanoTime();

    SplitMetricsRefresher(String group, int lagScanLimit) {
        this.group = group;
        this.lagScanLimit = lagScanLimit;
    }

    void refreshIfDue(UnifiedJedis redis, Collection<StreamCursor> cursors) {
        long now = System.nanoTime();
        if (now - nextRefreshNanos < 0) {
            return;
        }
        nextRefreshNanos = now + INTERVAL.toNanos();
        List<StreamCursor> prepared = new ArrayList<>();
        cursors.stream().filter(c -> c.phase != Phase.NEW).forEach(prepared::add);
        if (prepared.isEmpty()) {
            return;
        }
        List<Response<StreamPendingSummary>> pending = new ArrayList<>(prepared.size());
        List<Response<List<StreamGroupInfo>>> groups = new ArrayList<>(prepared.size());
        try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
            for (StreamCursor cursor : prepared) {
                pending.add(pipeline.xpending(cursor.stream, group));
                groups.add(pipeline.xinfoGroups(cursor.stream));
            }
            pipeline.sync();
        }
        for (int i = 0; i < prepared.size(); i++) {
            StreamCursor cursor = prepared.get(i);
            try {
                StreamPendingSummary summary = RedisClientFactory.reply(pending.get(i));
                updateLag(redis, cursor, summary.getTotal(), RedisClientFactory.reply(groups.get(i)));
                noteConsumers(cursor, summary);
            } catch (JedisDataException e) {
                if (ConnectionRetry.isTransient(e)) {
                    throw e;
                }
                // E.g. the group vanished: the next read notices and creates it again.
                LOG.debug("Stream {}: could not refresh the metrics of group {}: {}", cursor.stream, group, e.toString());
            }
        }
    }

    private void updateLag(UnifiedJedis redis, StreamCursor cursor, long pendingCount, List<StreamGroupInfo> infos) {
        for (StreamGroupInfo info : infos) {
            if (!group.equals(info.getName())) {
                continue;
            }
            Object lag = info.getGroupInfo().get("lag");
            if (lag instanceof Number) {
                cursor.metrics.update(pendingCount, ((Number) lag).longValue());
                return;
            }
            StreamEntryID lastDelivered = info.getLastDeliveredId();
            int after = redis.xrange(cursor.stream, "(" + lastDelivered, "+", lagScanLimit + 1).size();
            if (after <= lagScanLimit) {
                cursor.metrics.update(pendingCount, after);
            } else {
                cursor.metrics.updateWithLagAtLeast(pendingCount, after);
            }
            return;
        }
        cursor.metrics.update(pendingCount, RedisStreamSourceReaderMetrics.UNKNOWN);
    }

    private void noteConsumers(StreamCursor cursor, StreamPendingSummary summary) {
        Map<String, Long> counts = summary.getConsumerMessageCount();
        if (cursor.phase != Phase.LIVE || counts == null) {
            return;
        }
        Long claimed = counts.get(cursor.claimConsumer);
        if (claimed != null && claimed > cursor.claimedUnacknowledged.size()) {
            LOG.warn("Stream {}: consumer {} of group {} holds {} entries, {} of them not emitted by this reader (another"
                            + " reader claims under its name); re-reading them", cursor.stream, cursor.claimConsumer, group,
                    claimed, claimed - cursor.claimedUnacknowledged.size());
            cursor.rereadUnemitted();
        }
        Map<String, Long> others = new TreeMap<>(counts);
        others.remove(cursor.consumer);
        others.remove(cursor.claimConsumer);
        others.values().removeIf(count -> count == null || count == 0);
        cursor.othersWithPending = others;
    }
}
