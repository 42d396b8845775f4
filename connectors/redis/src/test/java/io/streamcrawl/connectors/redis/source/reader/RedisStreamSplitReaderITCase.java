package io.streamcrawl.connectors.redis.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamcrawl.connectors.redis.source.reader.SplitReaderTesting.config;
import static io.streamcrawl.connectors.redis.source.reader.SplitReaderTesting.fetch;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.testutils.logging.LoggerAuditingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** The split reader against a real redis-server: reading, acknowledging, restoring, recovering. */
class RedisStreamSplitReaderITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    final LoggerAuditingExtension log = new LoggerAuditingExtension(RedisStreamSplitReader.class, Level.WARN);
    private static final String GROUP = "g";

    private RedisClient redis;
    private final List<RedisStreamSplitReader> readers = new ArrayList<>();

    @BeforeEach
    void connect() {
        redis = RedisClient.create(REDIS.host(), REDIS.port());
        redis.flushAll();
    }

    @AfterEach
    void close() {
        readers.forEach(RedisStreamSplitReader::close);
        redis.close();
    }

    @Test
    void readsNewEntriesAsTheSplitsConsumerAndAcknowledgesAndDeletesUpToAnId() throws IOException {
        List<StreamEntryID> ids = add("s", 5);
        RedisStreamSplitReader reader = reader(Duration.ofMillis(100), RedisStreamSplit.of("s"));

        assertThat(fetch(reader, 5)).extracting(StreamEntry::getID).containsExactlyElementsOf(ids);
        assertThat(redis.xpending("s", GROUP).getTotal()).isEqualTo(5);
        assertThat(redis.xpending("s", GROUP).getConsumerMessageCount()).containsOnlyKeys("g-s");

        reader.acknowledge(1, List.of(new RedisStreamSplit("s", ids.get(2).toString())), System.nanoTime());

        assertThat(redis.xpending("s", GROUP).getTotal()).isEqualTo(2);
        assertThat(redis.xrange("s", "-", "+")).extracting(StreamEntry::getID).containsExactlyElementsOf(ids.subList(3, 5));
    }

    @Test
    void aRestoredSplitAcknowledgesUpToItsPositionThenReReadsItsPendingEntriesThenNewOnes() throws IOException {
        List<StreamEntryID> ids = add("s", 6);
        RedisStreamSplitReader failed = reader(Duration.ofMillis(100), RedisStreamSplit.of("s"));
        assertThat(fetch(failed, 6)).hasSize(6);
        failed.close();

        RedisStreamSplitReader restored = reader(Duration.ofMillis(100), new RedisStreamSplit("s", ids.get(1).toString()));
        List<StreamEntry> reread = fetch(restored, 4);

        assertThat(reread).extracting(StreamEntry::getID).containsExactlyElementsOf(ids.subList(2, 6));
        assertThat(redis.xpending("s", GROUP).getTotal()).isEqualTo(4);
        assertThat(redis.xlen("s")).isEqualTo(4);

        List<StreamEntryID> more = add("s", 2);
        assertThat(fetch(restored, 2)).extracting(StreamEntry::getID).containsExactlyElementsOf(more);
    }

    @Test
    void aSplitWithoutPositionReReadsAllItsPendingEntriesIncludingDeletedOnes() throws IOException {
        List<StreamEntryID> ids = add("s", 3);
        RedisStreamSplitReader failed = reader(Duration.ofMillis(100), RedisStreamSplit.of("s"));
        assertThat(fetch(failed, 3)).hasSize(3);
        failed.close();
        redis.xdel("s", ids.get(0));

        List<StreamEntry> reread = fetch(reader(Duration.ofMillis(100), RedisStreamSplit.of("s")), 3);

        assertThat(reread).extracting(StreamEntry::getID).containsExactlyElementsOf(ids);
        assertThat(reread.get(0).getFields()).isNullOrEmpty();
        assertThat(reread.get(1).getFields()).containsEntry("n", "1");
    }

    @Test
    void aRestoredSplitAcknowledgesItsOwnEntriesUpToItsPositionAndClaimsWhatOthersHoldWhereverItLies() throws IOException {
        List<StreamEntryID> ids = add("s", 6);
        deliverTo("g-s", "s", 2);
        deliverTo("ghost", "s", 4);

        RedisStreamSplitReader restored = reader(Duration.ofMillis(50), new RedisStreamSplit("s", ids.get(3).toString()));

        // Two of the ghost's entries lie below the restored position: the source never emitted them.
        assertClaimsOnlyThenReadsNewEntries(restored, ids.subList(2, 6));
    }

    @Test
    void claimsWhatAnotherConsumerHoldsOnceIdleAndReadsNewEntriesMeanwhile() throws IOException {
        List<StreamEntryID> held = add("s", 2);
        deliverTo("ghost", "s", 2);
        long delivered = System.nanoTime();
        List<StreamEntryID> fresh = add("s", 2);
        Duration minIdle = Duration.ofSeconds(1);
        RedisStreamSplitReader reader = reader(Duration.ofMillis(50), minIdle, RedisStreamSplit.of("s"));

        List<StreamEntry> first = fetch(reader, 2);
        List<StreamEntry> claimed = fetch(reader, 2);

        assertThat(first).extracting(StreamEntry::getID).containsExactlyElementsOf(fresh);
        assertThat(first).noneSatisfy(e -> assertThat(e).isInstanceOf(ClaimedStreamEntry.class));
        assertThat(claimed).extracting(StreamEntry::getID).containsExactlyElementsOf(held);
        assertThat(claimed).allSatisfy(e -> assertThat(e).isInstanceOf(ClaimedStreamEntry.class));
        assertThat(Duration.ofNanos(System.nanoTime() - delivered)).isGreaterThanOrEqualTo(minIdle);
        assertThat(redis.xpending("s", GROUP).getConsumerMessageCount())
                .containsOnly(Map.entry("g-s", 2L), Map.entry("g-s-claimed", 2L));
    }

    @Test
    void readsSeveralStreamsAndCreatesAVanishedGroupAgain() throws IOException {
        RedisStreamSplitReader reader = reader(Duration.ofMillis(50), RedisStreamSplit.of("a"), RedisStreamSplit.of("b"));
        List<StreamEntryID> a = add("a", 2);
        List<StreamEntryID> b = add("b", 3);
        assertThat(fetch(reader, 5)).extracting(StreamEntry::getID).containsAll(a).containsAll(b);

        redis.del("a");
        List<StreamEntryID> again = add("a", 1);

        assertThat(fetch(reader, 1)).extracting(StreamEntry::getID).containsExactlyElementsOf(again);
    }

    @Test
    void aWakeUpEndsAFetchWithoutWaitingForTheBlock() throws IOException {
        RedisStreamSplitReader reader = reader(Duration.ofSeconds(20), RedisStreamSplit.of("s"));
        reader.wakeUp();
        long start = System.nanoTime();

        RecordsWithSplitIds<StreamEntry> records = reader.fetch();

        assertThat(records.nextSplit()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void keepsReadingAcrossARedisRestart() throws IOException {
        RedisStreamSplitReader reader = reader(Duration.ofMillis(50), RedisStreamSplit.of("s"));
        List<StreamEntryID> before = add("s", 2);
        assertThat(fetch(reader, 2)).extracting(StreamEntry::getID).containsExactlyElementsOf(before);

        REDIS.restart();
        redis.close();
        redis = RedisClient.create(REDIS.host(), REDIS.port());
        List<StreamEntryID> after = add("s", 2);

        assertThat(fetch(reader, 2)).extracting(StreamEntry::getID).containsExactlyElementsOf(after);
    }

    @Test
    void entriesAnotherConsumerTakesWhileTheSplitReadsAreClaimedEmittedAsClaimedAndAcknowledgedById() throws IOException {
        List<StreamEntryID> read = add("s", 4);
        RedisStreamSplitReader reader = reader(Duration.ofMillis(50), RedisStreamSplit.of("s"));
        assertThat(fetch(reader, 4)).extracting(StreamEntry::getID).containsExactlyElementsOf(read);
        List<StreamEntryID> taken = add("s", 3);
        deliverTo("stray", "s", 3);

        List<StreamEntry> claimed = fetch(reader, 3);

        assertThat(claimed).extracting(StreamEntry::getID).containsExactlyElementsOf(taken);
        assertThat(claimed).allSatisfy(e -> assertThat(e).isInstanceOf(ClaimedStreamEntry.class));
        assertThat(claimed.get(0).getFields()).containsEntry("n", "0");
        assertThat(redis.xpending("s", GROUP).getConsumerMessageCount())
                .containsOnly(Map.entry("g-s", 4L), Map.entry("g-s-claimed", 3L));

        reader.acknowledge(1, List.of(new RedisStreamSplit("s", read.get(3).toString(),
                taken.stream().map(StreamEntryID::toString).toList())), System.nanoTime());

        assertThat(redis.xpending("s", GROUP).getTotal()).isZero();
        assertThat(redis.xlen("s")).isZero();
    }

    @Test
    void aRestoredSplitAcknowledgesTheClaimedEntriesItListsAndEmitsTheOtherClaimedOnesAgain() throws IOException {
        List<StreamEntryID> ids = add("s", 5);
        deliverTo("g-s", "s", 2);
        deliverTo("g-s-claimed", "s", 3);

        RedisStreamSplitReader restored = reader(Duration.ofMillis(50),
                new RedisStreamSplit("s", ids.get(1).toString(), List.of(ids.get(2).toString())));

        assertClaimsOnlyThenReadsNewEntries(restored, ids.subList(3, 5));
    }

    /**
     * The restored reader of stream "s" emits exactly {@code claimed}, as claimed entries, and holds
     * them under its claiming consumer, all that is left in the stream; then it reads new entries.
     */
    private void assertClaimsOnlyThenReadsNewEntries(RedisStreamSplitReader restored, List<StreamEntryID> claimed)
            throws IOException {
        List<StreamEntry> emitted = fetch(restored, claimed.size());

        assertThat(emitted).extracting(StreamEntry::getID).containsExactlyElementsOf(claimed);
        assertThat(emitted).allSatisfy(e -> assertThat(e).isInstanceOf(ClaimedStreamEntry.class));
        assertThat(redis.xpending("s", GROUP).getConsumerMessageCount())
                .containsOnly(Map.entry("g-s-claimed", (long) claimed.size()));
        assertThat(redis.xrange("s", "-", "+")).extracting(StreamEntry::getID).containsExactlyElementsOf(claimed);
        List<StreamEntryID> more = add("s", 2);
        assertThat(fetch(restored, 2)).extracting(StreamEntry::getID).containsExactlyElementsOf(more);
    }

    @Test
    void warnsWhenNoCheckpointCompletesAfterItStartedReading() throws IOException, InterruptedException {
        Configuration config = config(Duration.ofMillis(20), Duration.ZERO);
        config.set(RedisStreamSourceOptions.NO_CHECKPOINT_WARNING, Duration.ofMillis(300));
        RedisStreamSplitReader unacknowledged = reader(config, RedisStreamSplit.of("never-acked"));
        RedisStreamSplitReader acknowledged = reader(config, RedisStreamSplit.of("acked"));
        add("never-acked", 1);
        StreamEntryID id = add("acked", 1).get(0);
        fetch(unacknowledged, 1);
        fetch(acknowledged, 1);
        acknowledged.acknowledge(1, List.of(new RedisStreamSplit("acked", id.toString())), System.nanoTime());

        long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
        while (System.nanoTime() < until) {
            unacknowledged.fetch();
            acknowledged.fetch();
        }

        assertThat(log.getMessages()).hasSize(1).allSatisfy(m -> assertThat(m)
                .contains("no checkpoint has completed in the PT0.3S since it started reading [never-acked]")
                .contains("Is checkpointing enabled?"));
    }

    private RedisStreamSplitReader reader(Duration block, RedisStreamSplit... splits) {
        return reader(block, Duration.ZERO, splits);
    }

    private RedisStreamSplitReader reader(Duration block, Duration claimMinIdle, RedisStreamSplit... splits) {
        return reader(config(block, claimMinIdle), splits);
    }
    private RedisStreamSplitReader reader(Configuration config, RedisStreamSplit... splits) {
        RedisConnectionConfig conn = RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build();
        RedisStreamSplitReader reader = SplitReaderTesting.reader(conn, GROUP, config, splits);
        readers.add(reader);
        return reader;
    }

    private List<StreamEntryID> add(String stream, int n) {
        return SplitReaderTesting.add(redis, stream, n);
    }

    private void deliverTo(String consumer, String stream, int n) {
        SplitReaderTesting.deliverTo(redis, GROUP, consumer, stream, n);
    }
}
