package io.streamcrawl.connectors.redis.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplitState;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

class RedisStreamRecordEmitterTest {
    /** Emits "url" twice, but only after checking "task": a failing entry must emit nothing. */
    private static final RedisStreamDeserializer<String> URL_TWICE = new RedisStreamDeserializer<>() {
        @Override
        public void deserialize(String stream, String id, Map<String, String> fields, Collector<String> out) {
            out.collect(fields.get("url"));
            if (!fields.containsKey("task")) {
                throw new IllegalArgumentException("missing field: task (entry " + id + ")");
            }
            out.collect(fields.get("url"));
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    };

    private final RedisStreamSourceReaderMetrics metrics =
            new RedisStreamSourceReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup());
    private final RedisStreamRecordEmitter<String> emitter = new RedisStreamRecordEmitter<>(URL_TWICE, metrics);
    private final TestingReaderOutput<String> output = new TestingReaderOutput<>();
    private final RedisStreamSplitState state = new RedisStreamSplitState(RedisStreamSplit.of("s"));

    @Test
    void emitsTheRecordsOfAnEntryAndAdvancesThePosition() {
        emitter.emitRecord(entry("5-1", "url", "http://a/", "task", "t"), output, state);

        assertThat(output.getEmittedRecords()).containsExactly("http://a/", "http://a/");
        assertThat(state.lastEmittedId()).isEqualTo("5-1");
        assertThat(metrics.malformedEntries()).isZero();
    }

    @Test
    void skipsAMalformedEntryEntirelyButAdvancesThePositionAndCountsIt() {
        emitter.emitRecord(entry("5-1", "url", "http://a/"), output, state);
        emitter.emitRecord(entry("5-2", "url", "http://b/"), output, state);
        emitter.emitRecord(entry("6-0", "url", "http://c/", "task", "t"), output, state);

        assertThat(output.getEmittedRecords()).containsExactly("http://c/", "http://c/");
        assertThat(state.lastEmittedId()).isEqualTo("6-0");
        assertThat(metrics.malformedEntries()).isEqualTo(2);
    }

    @Test
    void skipsAnEntryDeletedWhilePendingWithoutCountingItAsMalformed() {
        emitter.emitRecord(new StreamEntry(new StreamEntryID("7-0"), null), output, state);

        assertThat(output.getEmittedRecords()).isEmpty();
        assertThat(state.lastEmittedId()).isEqualTo("7-0");
        assertThat(metrics.malformedEntries()).isZero();
    }

    @Test
    void aClaimedEntryIsRecordedByIdAndLeavesThePositionAlone() {
        emitter.emitRecord(entry("9-0", "url", "http://a/", "task", "t"), output, state);
        emitter.emitRecord(new ClaimedStreamEntry(new StreamEntryID("4-0"), Map.of("url", "http://b/", "task", "t")),
                output, state);
        emitter.emitRecord(new ClaimedStreamEntry(new StreamEntryID("12-0"), Map.of("url", "http://c/")), output, state);

        assertThat(output.getEmittedRecords()).containsExactly("http://a/", "http://a/", "http://b/", "http://b/");
        assertThat(state.toSplit()).isEqualTo(new RedisStreamSplit("s", "9-0", List.of("4-0", "12-0")));
        state.removeClaimedIds(List.of("4-0"));
        assertThat(state.toSplit().claimedIds()).containsExactly("12-0");
    }

    @Test
    void theKindOfAnErrorIsItsClassAndTheMessageUpToTheFirstColon() {
        assertThat(RedisStreamRecordEmitter.kindOf(new IllegalArgumentException("invalid url: http://x y")))
                .isEqualTo(RedisStreamRecordEmitter.kindOf(new IllegalArgumentException("invalid url: ftp://z")))
                .isEqualTo("java.lang.IllegalArgumentException: invalid url");
        assertThat(RedisStreamRecordEmitter.kindOf(new NullPointerException()))
                .isEqualTo("java.lang.NullPointerException: ");
    }

    private static StreamEntry entry(String id, String... keyValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            fields.put(keyValues[i], keyValues[i + 1]);
        }
        return new StreamEntry(new StreamEntryID(id), fields);
    }
}
