package io.streamcrawl.connectors.redis.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics.SplitMetrics;
import io.streamcrawl.connectors.redis.source.reader.StreamCursor.Phase;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/** The per-split gauges against a real redis-server, including the lag Redis cannot tell. */
class SplitMetricsRefresherITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final String GROUP = "g";

    private final RedisStreamSourceReaderMetrics metrics =
            new RedisStreamSourceReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup());
    private RedisClient redis;

    @BeforeEach
    void connect() {
        redis = RedisClient.create(REDIS.host(), REDIS.port());
        redis.flushAll();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void reportsTheGroupsPendingCountAndLag() {
        List<StreamEntryID> ids = addAndDeliver(6, 2);
        StreamCursor cursor = liveCursor();

        new SplitMetricsRefresher(GROUP, 10).refreshIfDue(redis, List.of(cursor));

        assertThat(cursor.metrics.pendingCount()).isEqualTo(2);
        assertThat(cursor.metrics.consumerLag()).isEqualTo(4);
        assertThat(ids).hasSize(6);
    }

    @Test
    void countsTheEntriesAfterTheLastDeliveredIdWhenRedisReportsNoLag() {
        List<StreamEntryID> ids = addAndDeliver(6, 2);
        redis.xdel("s", ids.get(3));
        assertThat(redis.xinfoGroups("s").get(0).getGroupInfo().get("lag")).as("lag after XDEL").isNull();
        StreamCursor cursor = liveCursor();

        new SplitMetricsRefresher(GROUP, 10).refreshIfDue(redis, List.of(cursor));
        assertThat(cursor.metrics.consumerLag()).isEqualTo(3);

        new SplitMetricsRefresher(GROUP, 2).refreshIfDue(redis, List.of(cursor));
        assertThat(cursor.metrics.consumerLag()).isEqualTo(RedisStreamSourceReaderMetrics.UNKNOWN);
        assertThat(cursor.metrics.pendingCount()).isEqualTo(2);
    }

    @Test
    void refreshesAtMostOncePerInterval() {
        addAndDeliver(3, 1);
        StreamCursor cursor = liveCursor();
        SplitMetricsRefresher refresher = new SplitMetricsRefresher(GROUP, 10);
        refresher.refreshIfDue(redis, List.of(cursor));

        redis.xadd("s", StreamEntryID.NEW_ENTRY, Map.of("n", "late"));
        refresher.refreshIfDue(redis, List.of(cursor));

        assertThat(cursor.metrics.consumerLag()).isEqualTo(2);
    }

    private StreamCursor liveCursor() {
        SplitMetrics split = metrics.split("s");
        StreamCursor cursor = new StreamCursor(RedisStreamSplit.of("s"), GROUP, split);
        cursor.phase = Phase.LIVE;
        return cursor;
    }

    /** Adds {@code n} entries and delivers the first {@code delivered} to the split's consumer. */
    private List<StreamEntryID> addAndDeliver(int n, int delivered) {
        redis.xgroupCreate("s", GROUP, new StreamEntryID(0, 0), true);
        List<StreamEntryID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(redis.xadd("s", StreamEntryID.NEW_ENTRY, Map.of("n", String.valueOf(i))));
        }
        redis.xreadGroup(GROUP, StreamCursor.consumerName(GROUP, "s"), XReadGroupParams.xReadGroupParams().count(delivered),
                Map.of("s", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        return ids;
    }
}
