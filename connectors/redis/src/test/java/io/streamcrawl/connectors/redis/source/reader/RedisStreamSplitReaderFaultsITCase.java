package io.streamcrawl.connectors.redis.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamcrawl.connectors.redis.source.reader.SplitReaderTesting.add;
import static io.streamcrawl.connectors.redis.source.reader.SplitReaderTesting.config;
import static io.streamcrawl.connectors.redis.source.reader.SplitReaderTesting.deliverTo;
import static io.streamcrawl.connectors.redis.source.reader.SplitReaderTesting.fetch;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.testing.FaultProxy;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The split reader through a {@link FaultProxy} in front of a real redis-server, when the server
 * hands entries to the split's consumers and the reader never hears of it: a lost reply, or
 * another reader under the name of one of the split's consumers.
 */
class RedisStreamSplitReaderFaultsITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String GROUP = "g";

    private RedisClient redis;
    private FaultProxy proxy;
    private RedisStreamSplitReader reader;

    @BeforeEach
    void connect() {
        redis = RedisClient.create(REDIS.host(), REDIS.port());
        redis.flushAll();
        proxy = FaultProxy.to(REDIS.host(), REDIS.port());
    }

    @AfterEach
    void close() {
        if (reader != null) {
            reader.close();
        }
        proxy.close();
        redis.close();
    }

    @Test
    void entriesOfLostXreadgroupRepliesAreReadAgainFromThePendingListEmittedOnceAndNoneIsDeletedUnemitted()
            throws IOException {
        reader = throughProxy(config(Duration.ofMillis(50), Duration.ZERO), RedisStreamSplit.of("s"));
        List<StreamEntryID> added = new ArrayList<>(add(redis, "s", 2));
        List<StreamEntry> emitted = new ArrayList<>(fetch(reader, 2));

        for (int round = 1; round <= 4; round++) {
            added.addAll(add(redis, "s", 3));
            proxy.dropReplyTo("XREADGROUP");
            emitted.addAll(fetch(reader, 3));
            assertThat(proxy.droppedReplies()).as("replies lost").isEqualTo(round);
        }
        assertEmittedInOrderAndNothingLeftOnceAcknowledged(emitted, added);
    }

    @Test
    void entriesOfALostReplyToABlockingReadAreReadAgainFromThePendingList() throws Exception {
        reader = throughProxy(config(Duration.ofSeconds(5), Duration.ZERO), RedisStreamSplit.of("s"));
        List<StreamEntryID> added = new ArrayList<>(add(redis, "s", 1));
        List<StreamEntry> emitted = new ArrayList<>(fetch(reader, 1));

        // Only the read that waits for entries says BLOCK: they arrive while it waits, and its reply is lost.
        proxy.dropReplyTo("BLOCK");
        CompletableFuture<List<StreamEntryID>> later = CompletableFuture.supplyAsync(() -> {
            await().until(() -> blockedClients() == 1);
            return add(redis, "s", 2);
        });
        assertThat(reader.fetch().nextSplit()).isNull();
        added.addAll(later.get(10, TimeUnit.SECONDS));
        emitted.addAll(fetch(reader, 2));
        assertThat(proxy.droppedReplies()).isOne();
        assertEmittedInOrderAndNothingLeftOnceAcknowledged(emitted, added);
    }

    @Test
    void entriesAnotherReaderTakesUnderTheSplitsConsumerNameAreEmittedInStreamOrder() throws IOException {
        reader = throughProxy(config(Duration.ofMillis(50), Duration.ZERO), RedisStreamSplit.of("s"));
        List<StreamEntryID> added = new ArrayList<>(add(redis, "s", 2));
        List<StreamEntry> emitted = new ArrayList<>(fetch(reader, 2));

        added.addAll(add(redis, "s", 5));
        assertThat(deliverTo(redis, GROUP, "g-s", "s", 3)).containsExactlyElementsOf(added.subList(2, 5));
        emitted.addAll(fetch(reader, 5));
        assertThat(emitted).noneSatisfy(e -> assertThat(e).isInstanceOf(ClaimedStreamEntry.class));
        assertEmittedInOrderAndNothingLeftOnceAcknowledged(emitted, added);
    }

    @Test
    void entriesOfALostXclaimReplyAreReadAgainFromTheClaimConsumerWithoutEmittingEarlierClaimsTwice()
            throws IOException {
        Configuration config = config(Duration.ofMillis(50), Duration.ZERO);
        config.set(RedisStreamSourceOptions.ACK_BATCH_SIZE, 2);
        reader = throughProxy(config, RedisStreamSplit.of("s"));
        add(redis, "s", 2);
        List<StreamEntryID> claimedFirst = deliverTo(redis, GROUP, "ghost", "s", 2);
        List<StreamEntry> emitted = new ArrayList<>(fetch(reader, 2));

        add(redis, "s", 6);
        List<StreamEntryID> claimedAfterLoss = deliverTo(redis, GROUP, "ghost", "s", 6);
        proxy.dropReplyTo("XCLAIM");
        emitted.addAll(fetch(reader, 6));
        assertThat(proxy.droppedReplies()).as("replies lost").isOne();
        List<String> claimedIds = emitted.stream().map(e -> e.getID().toString()).toList();
        reader.acknowledge(1, List.of(new RedisStreamSplit("s", null, claimedIds)), System.nanoTime());

        assertThat(emitted).allSatisfy(e -> assertThat(e).isInstanceOf(ClaimedStreamEntry.class));
        assertThat(emitted.subList(0, 2)).extracting(StreamEntry::getID).containsExactlyElementsOf(claimedFirst);
        assertThat(emitted.subList(2, 8)).extracting(StreamEntry::getID)
                .containsExactlyInAnyOrderElementsOf(claimedAfterLoss);
        assertThat(redis.xpending("s", GROUP).getConsumerMessageCount()).isNullOrEmpty();
        assertThat(redis.xlen("s")).isZero();
    }

    @Test
    void entriesAnotherReaderTakesUnderTheClaimConsumersNameAreEmittedAsClaimed() throws IOException {
        reader = throughProxy(config(Duration.ofMillis(50), Duration.ZERO), RedisStreamSplit.of("s"));
        List<StreamEntryID> read = add(redis, "s", 2);
        List<StreamEntry> emitted = new ArrayList<>(fetch(reader, 2));

        add(redis, "s", 3);
        List<StreamEntryID> taken = deliverTo(redis, GROUP, "g-s-claimed", "s", 3);
        List<StreamEntry> claimed = fetch(reader, 3);
        emitted.addAll(claimed);
        reader.acknowledge(1, List.of(new RedisStreamSplit("s", read.get(1).toString(),
                taken.stream().map(StreamEntryID::toString).toList())), System.nanoTime());

        assertThat(emitted.subList(0, 2)).extracting(StreamEntry::getID).containsExactlyElementsOf(read);
        assertThat(claimed).extracting(StreamEntry::getID).containsExactlyElementsOf(taken);
        assertThat(claimed).allSatisfy(e -> assertThat(e).isInstanceOf(ClaimedStreamEntry.class));
        assertThat(redis.xpending("s", GROUP).getConsumerMessageCount()).isNullOrEmpty();
        assertThat(redis.xlen("s")).isZero();
    }

    private RedisStreamSplitReader throughProxy(Configuration config, RedisStreamSplit... splits) {
        RedisConnectionConfig connection = RedisConnectionConfig.builder().host(proxy.host()).port(proxy.port()).build();
        return SplitReaderTesting.reader(connection, GROUP, config, splits);
    }

    private long blockedClients() {
        try (RedisClient info = RedisClient.create(REDIS.host(), REDIS.port())) {
            return info.info("clients").lines().filter(l -> l.startsWith("blocked_clients:"))
                    .mapToLong(l -> Long.parseLong(l.substring("blocked_clients:".length()).trim())).sum();
        }
    }

    /** Each entry added was emitted once, in stream order; acknowledging up to the last leaves neither entry nor pending one. */
    private void assertEmittedInOrderAndNothingLeftOnceAcknowledged(List<StreamEntry> emitted, List<StreamEntryID> added) {
        assertThat(emitted).extracting(StreamEntry::getID).containsExactlyElementsOf(added);
        String last = emitted.get(emitted.size() - 1).getID().toString();
        reader.acknowledge(1, List.of(new RedisStreamSplit("s", last)), System.nanoTime());
        assertThat(redis.xpending("s", GROUP).getTotal()).isZero();
        assertThat(redis.xlen("s")).isZero();
    }
}
