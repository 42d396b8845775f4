package io.streamcrawl.connectors.redis.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
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

    private final MetricListener listener = new MetricListener();
    private final RedisStreamSourceReaderMetrics metrics =
            new RedisStreamSourceReaderMetrics(InternalSourceReaderMetricGroup.mock(listener.getMetricGroup()));
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
    void pendingRecordsIsTheBacklogOfAllSplitsAfterSeedingAndAfterReading() {
        StreamCursor first = liveCursor();
        StreamCursor second = liveCursor("s2");
        assertThat(pendingRecords()).as("before any refresh").isNull();
        addAndDeliver(10, 0);
        addAndDeliver("s2", 5, 0);
        new SplitMetricsRefresher(GROUP, 10).refreshIfDue(redis, List.of(first, second));
        assertThat(pendingRecords()).isEqualTo(15);

        deliver("s", 4);
        deliver("s2", 5);
        new SplitMetricsRefresher(GROUP, 10).refreshIfDue(redis, List.of(first, second));
        assertThat(pendingRecords()).isEqualTo(6);
    }

    @Test
    void pendingRecordsCountsTheEntriesSeenWhenTheLagIsUnknown() {
        List<StreamEntryID> ids = addAndDeliver(10, 2);
        redis.xdel("s", ids.get(5));
        StreamCursor cursor = liveCursor();

        new SplitMetricsRefresher(GROUP, 2).refreshIfDue(redis, List.of(cursor));

        assertThat(cursor.metrics.consumerLag()).isEqualTo(RedisStreamSourceReaderMetrics.UNKNOWN);
        assertThat(pendingRecords()).as("at least the 3 entries counted of the 7").isEqualTo(3);
        new SplitMetricsRefresher(GROUP, 10).refreshIfDue(redis, List.of(cursor));
        assertThat(pendingRecords()).isEqualTo(7);
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

    private Long pendingRecords() {
        return listener.<Long>getGauge("pendingRecords").orElseThrow().getValue();
    }

    private StreamCursor liveCursor() {
        return liveCursor("s");
    }

    private StreamCursor liveCursor(String stream) {
        SplitMetrics split = metrics.split(stream);
        StreamCursor cursor = new StreamCursor(RedisStreamSplit.of(stream), GROUP, split);
        cursor.phase = Phase.LIVE;
        return cursor;
    }

    private List<StreamEntryID> addAndDeliver(int n, int delivered) {
        return addAndDeliver("s", n, delivered);
    }

    /** Adds {@code n} entries and delivers the first {@code delivered} to the split's consumer. */
    private List<StreamEntryID> addAndDeliver(String stream, int n, int delivered) {
        redis.xgroupCreate(stream, GROUP, new StreamEntryID(0, 0), true);
        List<StreamEntryID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("n", String.valueOf(i))));
        }
        if (delivered > 0) {
            deliver(stream, delivered);
        }
        return ids;
    }

    private void deliver(String stream, int n) {
        redis.xreadGroup(GROUP, StreamCursor.consumerName(GROUP, stream), XReadGroupParams.xReadGroupParams().count(n),
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    }
}
