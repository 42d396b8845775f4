package io.streamcrawl.connectors.redis.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/** What the split reader ITCases share: adding entries, handing some to a consumer, fetching until enough came. */
final class SplitReaderTesting {
    private SplitReaderTesting() {}

    /** A reader's configuration for tests: {@code FETCH_COUNT} 2, back-off from 20 ms up to 200 ms. */
    static Configuration config(Duration block, Duration claimMinIdle) {
        Configuration config = new Configuration();
        config.set(RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME, claimMinIdle);
        config.set(RedisStreamSourceOptions.FETCH_BLOCK, block);
        config.set(RedisStreamSourceOptions.FETCH_COUNT, 2);
        config.set(RedisRetryOptions.INITIAL_BACKOFF, Duration.ofMillis(20));
        config.set(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(200));
        return config;
    }

    /** A split reader of subtask 0 with the splits assigned; the caller closes it. */
    static RedisStreamSplitReader reader(
            RedisConnectionConfig connection, String group, Configuration config, RedisStreamSplit... splits) {
        RedisStreamSplitReader reader = new RedisStreamSplitReader(connection, group, config, 0,
                new RedisStreamSourceReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup()),
                new AcknowledgedClaims());
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(splits)));
        return reader;
    }

    /** Adds entries {@code n} = 0..count-1 to {@code stream}; returns their IDs. */
    static List<StreamEntryID> add(UnifiedJedis redis, String stream, int count) {
        List<StreamEntryID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("n", String.valueOf(i))));
        }
        return ids;
    }

    /** Delivers the next {@code n} entries to a consumer of the group ({@code XREADGROUP ... >}), which never acknowledges them. */
    static List<StreamEntryID> deliverTo(UnifiedJedis redis, String group, String consumer, String stream, int n) {
        try {
            redis.xgroupCreate(stream, group, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            assertThat(e).hasMessageStartingWith("BUSYGROUP");
        }
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(group, consumer,
                XReadGroupParams.xReadGroupParams().count(n), Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        assertThat(read.get(0).getValue()).hasSize(n);
        return read.get(0).getValue().stream().map(StreamEntry::getID).toList();
    }

    /** Fetches until {@code n} entries came, failing when they have not within 10 s. */
    static List<StreamEntry> fetch(RedisStreamSplitReader reader, int n) throws IOException {
        List<StreamEntry> entries = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (entries.size() < n && System.nanoTime() - deadline < 0) {
            RecordsWithSplitIds<StreamEntry> records = reader.fetch();
            while (records.nextSplit() != null) {
                StreamEntry entry;
                while ((entry = records.nextRecordFromSplit()) != null) {
                    entries.add(entry);
                }
            }
        }
        assertThat(entries).as("entries fetched").hasSize(n);
        return entries;
    }
}
