package io.streamcrawl.connectors.etcd.reader;

import static io.streamcrawl.connectors.etcd.reader.EtcdSourceRecord.KEEP_POSITION;
import static org.assertj.core.api.Assertions.assertThat;
import static io.streamcrawl.connectors.etcd.EtcdTestClient.bytes;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.etcd.EtcdTestClient;
import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;
import io.streamcrawl.connectors.etcd.EtcdWatchSourceOptions;
import io.streamcrawl.connectors.etcd.metrics.EtcdSourceReaderMetrics;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitSerializer;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitState;
import io.streamcrawl.testing.EtcdServerExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The split reader against a real etcd: prefix read, watch, resume, compaction, wake-up. */
class EtcdPrefixSplitReaderITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final EtcdTestClient etcd = new EtcdTestClient(ETCD);

    private final List<EtcdPrefixSplitReader> readers = new ArrayList<>();

    @AfterEach
    void closeReaders() throws Exception {
        for (EtcdPrefixSplitReader reader : readers) {
            reader.close();
        }
    }

    @Test
    void readsThePrefixInPagesThenWatchesItsChangesInOrder() throws Exception {
        long a = etcd.put("/read/a", "1");
        long b = etcd.put("/read/b", "2");
        long c = etcd.put("/read/c", "3");
        etcd.put("/read", "outside");
        etcd.put("/readx", "outside");
        EtcdPrefixSplitReader reader = reader(EtcdPrefixSplit.unread("/read/"));

        List<EtcdSourceRecord> snapshot = fetchUntil(reader, records -> !positions(records).isEmpty());

        assertThat(events(snapshot)).containsExactly(
                EtcdKeyEvent.put("/read/a", "1", a), EtcdKeyEvent.put("/read/b", "2", b),
                EtcdKeyEvent.put("/read/c", "3", c));
        assertThat(positions(snapshot)).hasSize(1).allSatisfy(p -> assertThat(p).isGreaterThan(c));
        assertThat(snapshot.get(snapshot.size() - 1).event()).isNull();

        long a2 = etcd.put("/read/a", "10");
        etcd.put("/other/a", "outside");
        long deleted = etcd.delete("/read/b");
        long txn = etcd.kv().txn()
                .Then(Op.put(bytes("/read/d"), bytes("4"), PutOption.DEFAULT),
                        Op.put(bytes("/read/e"), bytes("5"), PutOption.DEFAULT))
                .commit().get().getHeader().getRevision();

        List<EtcdSourceRecord> changes = fetchUntil(reader, records -> events(records).size() == 4);

        assertThat(changes).containsExactly(
                EtcdSourceRecord.event(EtcdKeyEvent.put("/read/a", "10", a2), a2),
                EtcdSourceRecord.event(EtcdKeyEvent.delete("/read/b", deleted), deleted),
                EtcdSourceRecord.event(EtcdKeyEvent.put("/read/d", "4", txn), KEEP_POSITION),
                EtcdSourceRecord.event(EtcdKeyEvent.put("/read/e", "5", txn), txn));
    }

    @Test
    void resumesFromTheSplitRevisionWithoutReadingThePrefix() throws Exception {
        etcd.put("/resume/a", "1");
        long checkpointed = etcd.put("/resume/b", "2");
        long later = etcd.put("/resume/c", "3");
        long deleted = etcd.delete("/resume/a");
        EtcdPrefixSplitReader reader = reader(new EtcdPrefixSplit("/resume/", checkpointed));

        List<EtcdSourceRecord> records = fetchUntil(reader, r -> events(r).size() == 2);

        assertThat(records).containsExactly(
                EtcdSourceRecord.event(EtcdKeyEvent.put("/resume/c", "3", later), later),
                EtcdSourceRecord.event(EtcdKeyEvent.delete("/resume/a", deleted), deleted));
    }

    @Test
    void readsThePrefixAgainWhenTheRevisionWasCompacted() throws Exception {
        long checkpointed = etcd.put("/compact/a", "1");
        long b = etcd.put("/compact/b", "2");
        etcd.delete("/compact/a");
        long c = etcd.put("/compact/c", "3");
        long now = etcd.put("/elsewhere", "x");
        etcd.kv().compact(now).get();
        // As restored from a version 1 checkpoint: no known keys, so every key is a PUT and no DELETE.
        EtcdPrefixSplitReader reader = reader(new EtcdPrefixSplit("/compact/", checkpointed));

        List<EtcdSourceRecord> records = fetchUntil(reader, r -> !positions(r).isEmpty());

        assertThat(events(records)).containsExactly(
                EtcdKeyEvent.put("/compact/b", "2", b), EtcdKeyEvent.put("/compact/c", "3", c));
        assertThat(positions(records)).containsExactly(now);

        long d = etcd.put("/compact/d", "4");
        assertThat(fetchUntil(reader, r -> !r.isEmpty()))
                .containsExactly(EtcdSourceRecord.event(EtcdKeyEvent.put("/compact/d", "4", d), d));
    }

    @Test
    void afterACompactionGapReportsDeletedAndChangedKeysButNotUnchangedOnes() throws Exception {
        long a = etcd.put("/gap/a", "1");
        long b = etcd.put("/gap/b", "2");
        long c = etcd.put("/gap/c", "3");
        EtcdPrefixSplitReader first = reader(EtcdPrefixSplit.unread("/gap/"));
        EtcdPrefixSplitState state = new EtcdPrefixSplitState(EtcdPrefixSplit.unread("/gap/"));
        emit(fetchUntil(first, r -> !positions(r).isEmpty()), state);
        long d = etcd.put("/gap/d", "4");
        emit(fetchUntil(first, r -> !r.isEmpty()), state);
        first.close();
        // The checkpoint the next reader restores, through the serializer like Flink's.
        EtcdPrefixSplit checkpointed = EtcdPrefixSplitSerializer.INSTANCE.deserialize(
                EtcdPrefixSplitSerializer.INSTANCE.getVersion(),
                EtcdPrefixSplitSerializer.INSTANCE.serialize(state.toSplit()));
        assertThat(checkpointed.knownKeys()).containsExactly(
                entry("/gap/a", a), entry("/gap/b", b), entry("/gap/c", c), entry("/gap/d", d));

        long aGone = etcd.delete("/gap/a");
        long b2 = etcd.put("/gap/b", "2'");
        etcd.put("/gap/e", "short-lived");
        etcd.delete("/gap/e");
        long compacted = etcd.put("/elsewhere", "x");
        etcd.kv().compact(compacted).get();
        EtcdPrefixSplitReader second = reader(checkpointed);

        List<EtcdSourceRecord> records = fetchUntil(second, r -> !positions(r).isEmpty());

        assertThat(records).containsExactly(
                EtcdSourceRecord.event(EtcdKeyEvent.put("/gap/b", "2'", b2), KEEP_POSITION),
                EtcdSourceRecord.event(EtcdKeyEvent.delete("/gap/a", compacted), KEEP_POSITION),
                EtcdSourceRecord.position(compacted));
        assertThat(aGone).isLessThan(compacted);

        long c2 = etcd.put("/gap/c", "3'");
        assertThat(fetchUntil(second, r -> !r.isEmpty()))
                .containsExactly(EtcdSourceRecord.event(EtcdKeyEvent.put("/gap/c", "3'", c2), c2));
    }

    @Test
    void watchThatOutrunsTheHandoverRestartsWithoutLosingEvents() throws Exception {
        MetricListener metrics = new MetricListener();
        EtcdPrefixSplitReader reader = reader(EtcdPrefixSplit.unread("/burst/"), 1, metrics);
        long first = etcd.put("/burst/first", "0");
        assertThat(fetchUntil(reader, r -> !events(r).isEmpty())).isNotEmpty();

        // Not fetching while etcd pushes one response per put: the one-slot handover overflows.
        List<EtcdKeyEvent> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = String.format("/burst/%02d", i);
            expected.add(EtcdKeyEvent.put(key, "v" + i, etcd.put(key, "v" + i)));
        }
        List<EtcdSourceRecord> records = fetchUntil(reader, r -> events(r).size() >= 50);

        assertThat(events(records)).isEqualTo(expected);
        assertThat(records).allSatisfy(r -> assertThat(r.positionAfter()).isEqualTo(r.event().revision()));
        assertThat(metrics.getCounter(EtcdSourceReaderMetrics.GROUP, EtcdSourceReaderMetrics.WATCH_RESTARTS))
                .hasValueSatisfying(counter -> assertThat(counter.getCount()).isPositive());
        assertThat(metrics.<Long>getGauge(EtcdSourceReaderMetrics.GROUP, EtcdSourceReaderMetrics.REVISION))
                .hasValueSatisfying(gauge -> assertThat(gauge.getValue()).isEqualTo(expected.get(49).revision()));
        assertThat(first).isLessThan(expected.get(0).revision());
    }

    @Test
    void closeStopsTheThreadsOfItsEtcdClient() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        EtcdPrefixSplitReader reader = reader(EtcdPrefixSplit.unread("/threads/"));
        long revision = etcd.put("/threads/a", "1");
        assertThat(events(fetchUntil(reader, r -> !events(r).isEmpty())))
                .containsExactly(EtcdKeyEvent.put("/threads/a", "1", revision));

        reader.close();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(thread -> !before.contains(thread) && thread.isAlive())
                .extracting(Thread::getName)
                .filteredOn(name -> !name.startsWith("awaitility") && !name.startsWith("ForkJoinPool")
                        && !name.equals("CompletableFutureDelayScheduler"))
                .isEmpty());
    }

    @Test
    void wakeUpEndsAFetchThatWaitsForEtcd() {
        EtcdPrefixSplitReader reader = reader(null);
        CompletableFuture<List<EtcdSourceRecord>> fetch = CompletableFuture.supplyAsync(() -> {
            try {
                return drain(reader.fetch());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        reader.wakeUp();

        // A fetch with nothing to read would otherwise wait 10 s.
        assertThat(fetch).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(List.of());
    }

    private EtcdPrefixSplitReader reader(EtcdPrefixSplit split) {
        return reader(split, EtcdWatchSourceOptions.HANDOVER_CAPACITY.defaultValue(), new MetricListener());
    }

    private EtcdPrefixSplitReader reader(EtcdPrefixSplit split, int handoverCapacity, MetricListener metrics) {
        Configuration config = new Configuration();
        config.set(EtcdWatchSourceOptions.SNAPSHOT_PAGE_SIZE, 2);
        config.set(EtcdWatchSourceOptions.HANDOVER_CAPACITY, handoverCapacity);
        EtcdPrefixSplitReader reader = new EtcdPrefixSplitReader(
                EtcdConnectionConfig.builder().endpoints(ETCD.endpoint()).build(), config,
                new EtcdSourceReaderMetrics(InternalSourceReaderMetricGroup.mock(metrics.getMetricGroup())));
        readers.add(reader);
        if (split != null) {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
        }
        return reader;
    }

    private static List<EtcdSourceRecord> fetchUntil(
            EtcdPrefixSplitReader reader, Predicate<List<EtcdSourceRecord>> done) {
        List<EtcdSourceRecord> all = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).until(() -> {
            all.addAll(drain(reader.fetch()));
            return done.test(all);
        });
        return all;
    }

    private static void emit(List<EtcdSourceRecord> records, EtcdPrefixSplitState state) {
        EtcdRecordEmitter emitter = new EtcdRecordEmitter();
        records.forEach(record -> emitter.emitRecord(record, new TestingReaderOutput<>(), state));
    }

    private static List<EtcdSourceRecord> drain(RecordsWithSplitIds<EtcdSourceRecord> batch) {
        List<EtcdSourceRecord> records = new ArrayList<>();
        while (batch.nextSplit() != null) {
            EtcdSourceRecord record;
            while ((record = batch.nextRecordFromSplit()) != null) {
                records.add(record);
            }
        }
        return records;
    }

    private static List<EtcdKeyEvent> events(List<EtcdSourceRecord> records) {
        return records.stream().map(EtcdSourceRecord::event).filter(Objects::nonNull).toList();
    }

    private static List<Long> positions(List<EtcdSourceRecord> records) {
        return records.stream().filter(r -> r.event() == null).map(EtcdSourceRecord::positionAfter).toList();
    }
}
