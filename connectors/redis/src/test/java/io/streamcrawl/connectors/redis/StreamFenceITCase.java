package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.internal.ConnectionRetry;
import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import io.streamcrawl.connectors.redis.internal.StreamCommands;
import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The stream fence against a real redis-server: what a holder's token lets through, and what it refuses. */
class StreamFenceITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster();

    private static final Duration VALID = Duration.ofMinutes(1);

    private UnifiedJedis redis;
    private String stream;
    private StreamFence mine;
    private StreamFence theirs;

    @BeforeEach
    void connect(TestInfo test) {
        redis = connection().createClient("test");
        stream = test.getTestMethod().orElseThrow().getName() + ":s";
        String key = test.getTestMethod().orElseThrow().getName() + ":fence";
        mine = new StreamFence(key, "mine");
        theirs = new StreamFence(key, "theirs");
        redis.xgroupCreate(stream, "g", new StreamEntryID(0, 0), true);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void theFenceKeyIsInTheSlotOfItsStream() {
        assertThat(mine.keyOf("streamcrawl:pages")).isEqualTo(mine.key() + "{streamcrawl:pages}");
        assertThat(mine.keyOf("frontier:{3}")).isEqualTo(mine.key() + "{3}");
        assertThat(mine.keyOf("odd{key")).isEqualTo(mine.key() + "{odd{key}");
        for (String hashedWhole : List.of("odd{}key", "odd}key", "{}{odd}")) {
            assertThat(JedisClusterCRC16.getSlot(mine.keyOf(hashedWhole))).as(hashedWhole)
                    .isEqualTo(JedisClusterCRC16.getSlot(hashedWhole));
        }
    }

    @Test
    void theHolderWritesReadsClaimsAndAcknowledges() {
        mine.hold(redis, List.of(stream), 7, VALID);
        StreamCommands commands = commands(mine);

        List<StreamEntryID> ids = append(commands, List.of(Map.of("url", "a"), Map.of("url", "b", "depth", "1")));
        List<StreamEntry> read = commands.readGroup(redis, "g", "c", 10, Duration.ZERO,
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)).get(0).getValue();
        assertThat(read).extracting(StreamEntry::getID).containsExactlyElementsOf(ids);
        assertThat(read.get(1).getFields()).isEqualTo(Map.of("url", "b", "depth", "1"));
        assertThat(commands.claim(redis, stream, "g", "other", Duration.ZERO, ids.toArray(StreamEntryID[]::new)))
                .extracting(StreamEntry::getID).containsExactlyElementsOf(ids);

        acknowledge(commands, ids);
        assertThat(redis.xlen(stream)).isZero();
        assertThat(redis.xpending(stream, "g").getTotal()).isZero();
    }

    @Test
    void anotherHoldersFenceRefusesEveryCommandAndChangesNothing() {
        StreamEntryID entry = redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", "a"));
        redis.xreadGroup("g", "c", XReadGroupParams.xReadGroupParams(),
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", "b"));
        theirs.hold(redis, List.of(stream), 7, VALID);
        StreamCommands commands = commands(mine);

        List<Runnable> refused = List.of(
                () -> append(commands, List.of(Map.of("url", "x"))),
                () -> commands.readGroup(redis, "g", "c", 10, Duration.ZERO,
                        Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)),
                () -> commands.claim(redis, stream, "g", "other", Duration.ZERO, new StreamEntryID[] {entry}),
                () -> acknowledge(commands, List.of(entry)));
        for (Runnable command : refused) {
            assertThatThrownBy(command::run)
                    .isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("FENCED fence " + mine.keyOf(stream) + " is held by token theirs, not mine")
                    .satisfies(e -> assertThat(StreamFence.isFenced(e)).isTrue())
                    .satisfies(e -> assertThat(ConnectionRetry.isTransient((RuntimeException) e)).isFalse());
        }
        assertThat(redis.xlen(stream)).isEqualTo(2);
        assertThat(redis.xpending(stream, "g").getConsumerMessageCount()).isEqualTo(Map.of("c", 1L));
        assertThat(redis.xinfoGroups(stream).get(0).getLastDeliveredId()).isEqualTo(entry);
    }

    @Test
    void aMissingOrLapsedFenceIsUnconfirmedAndRetriedUntilItsHolderConfirmsIt() throws Exception {
        StreamCommands commands = commands(mine);
        assertUnconfirmed(() -> append(commands, List.of(Map.of("url", "x"))));

        mine.hold(redis, List.of(stream), 7, Duration.ofMillis(200));
        append(commands, List.of(Map.of("url", "x")));
        long until = Long.parseLong(redis.hget(mine.keyOf(stream), "until"));
        await().atMost(Duration.ofSeconds(5)).until(() -> redisNowMs() >= until);
        assertUnconfirmed(() -> append(commands, List.of(Map.of("url", "y"))));

        // A lapsed fence of another holder does not fail this one either: it may take it again.
        theirs.hold(redis, List.of(stream), 8, Duration.ZERO);
        assertUnconfirmed(() -> append(commands, List.of(Map.of("url", "y"))));
        mine.hold(redis, List.of(stream), 9, VALID);
        append(commands, List.of(Map.of("url", "y")));
        assertThat(redis.xlen(stream)).isEqualTo(2);
    }

    @Test
    void scriptsTheServerLostAreRetriedAndLoadedAgain() {
        mine.hold(redis, List.of(stream), 7, VALID);
        StreamCommands commands = commands(mine);
        redis.scriptFlush(stream);

        // The writer and the reader treat it as a lost connection: a new client, which loads the scripts.
        assertThatThrownBy(() -> append(commands, List.of(Map.of("url", "a"))))
                .hasMessageStartingWith("NOSCRIPT")
                .satisfies(e -> assertThat(ConnectionRetry.isTransient((RuntimeException) e)).isTrue());
        commands.load(redis);
        append(commands, List.of(Map.of("url", "a")));
        assertThat(redis.xlen(stream)).isEqualTo(1);
    }

    @Test
    void anEarlierRevisionCannotTakeTheFenceBack() {
        theirs.hold(redis, List.of(stream), 10, VALID);
        assertThatThrownBy(() -> mine.hold(redis, List.of(stream), 9, VALID))
                .satisfies(e -> assertThat(StreamFence.isFenced(e)).isTrue())
                .hasMessageContaining("was taken by token theirs at revision 10, after revision 9 of token mine");
        theirs.hold(redis, List.of(stream), 10, VALID);
        assertThat(redis.hget(mine.keyOf(stream), "token")).isEqualTo("theirs");
    }

    @Test
    void aSinkFencedOffByAnotherHolderFailsTheJobWithoutRestarts() {
        theirs.hold(redis, List.of(stream), 7, VALID);
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(RedisTestJobs.CHECKPOINT_INTERVAL_MS);
        String out = stream;
        RedisTestJobs.endless(env).sinkTo(RedisStreamSink.<Long>builder()
                .setConnection(connection())
                .setSerializer(i -> new RedisStreamEntry(out, Map.of("i", String.valueOf(i))))
                .setOption(RedisFenceOptions.KEY, mine.key())
                .setOption(RedisFenceOptions.TOKEN, mine.token())
                .build());

        // With 1000 restarts a second apart, only a failure that suppresses restarts ends it this soon.
        long start = System.nanoTime();
        assertThatThrownBy(() -> env.execute("fenced off"))
                .satisfies(e -> assertThat(ExceptionUtils.findThrowable(e, SuppressRestartsException.class))
                        .as(ExceptionUtils.stringifyException(e)).isPresent())
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "is held by token theirs, not mine"))
                        .isPresent());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(redis.xlen(stream)).isZero();
    }

    private List<StreamEntryID> append(StreamCommands commands, List<Map<String, String>> entries) {
        Supplier<List<StreamEntryID>> ids;
        try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
            ids = commands.append(pipeline, stream, entries, 0);
            pipeline.sync();
        }
        return ids.get();
    }

    private void acknowledge(StreamCommands commands, List<StreamEntryID> ids) {
        Supplier<?> acknowledged;
        try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
            acknowledged = commands.acknowledge(pipeline, stream, "g", true, ids.toArray(StreamEntryID[]::new));
            pipeline.sync();
        }
        acknowledged.get();
    }

    private StreamCommands commands(StreamFence fence) {
        Configuration options = new Configuration();
        options.set(RedisFenceOptions.KEY, fence.key());
        options.set(RedisFenceOptions.TOKEN, fence.token());
        StreamCommands commands = StreamCommands.of(options);
        commands.load(redis);
        return commands;
    }

    private static void assertUnconfirmed(Runnable command) {
        assertThatThrownBy(command::run)
                .isInstanceOf(JedisDataException.class)
                .hasMessageStartingWith(StreamFence.UNCONFIRMED)
                .satisfies(e -> assertThat(ConnectionRetry.isTransient((RuntimeException) e)).isTrue())
                .satisfies(e -> assertThat(StreamFence.isFenced(e)).isFalse());
    }

    private static RedisConnectionConfig connection() {
        return RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build();
    }

    /** Redis' clock, which the fence's {@code until} is measured by. */
    private long redisNowMs() {
        return (Long) redis.eval("local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)");
    }
}
