package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.streamcrawl.connectors.redis.RedisTestStreams.values;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.internal.ConnectionRetry;
import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import io.streamcrawl.connectors.redis.internal.StreamCommands;
import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;
import io.streamcrawl.testing.RedisClusterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Source and sink on a local Redis Cluster of three masters, with one hash-tagged stream key per shard. */
class RedisClusterITCase {
    @RegisterExtension static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int SHARDS = 4;
    private static final int PER_SHARD = 300;

    @RegisterExtension final RunningJobs jobs = new RunningJobs();

    private final UnifiedJedis redis = connection().createClient("test");

    @AfterEach
    void stop() throws Exception {
        redis.close();
    }

    /** Fenced, each command is a Lua script on the stream and its fence hash, which is in the stream's slot. */
    @ParameterizedTest(name = "fenced: {0}")
    @ValueSource(booleans = {false, true})
    void copiesEveryEntryOfShardsSpreadOverTheThreeMastersAndAcknowledgesThem(boolean fenced) throws Exception {
        String prefix = fenced ? "f" : "c";
        List<String> in = shardKeys(prefix + ":in:");
        List<String> out = shardKeys(prefix + ":out:");
        Configuration fence = new Configuration();
        if (fenced) {
            StreamFence holder = new StreamFence("fence", "job");
            holder.hold(redis, in, 1, Duration.ofMinutes(5));
            holder.hold(redis, out, 1, Duration.ofMinutes(5));
            fence.set(RedisFenceOptions.KEY, holder.key());
            fence.set(RedisFenceOptions.TOKEN, holder.token());
        }
        assertThat(in.stream().map(CLUSTER::nodeOf)).as("nodes of %s", in).containsExactlyInAnyOrder(0, 1, 1, 2);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < PER_SHARD; i++) {
                for (int shard = 0; shard < SHARDS; shard++) {
                    pipeline.xadd(in.get(shard), StreamEntryID.NEW_ENTRY,
                            Map.of("shard", String.valueOf(shard), "i", String.valueOf(i)));
                }
            }
        }

        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(2);
        env.fromSource(RedisStreamSource.<Map<String, String>>builder()
                                .setConnection(connection())
                                .setStreams(in)
                                .setGroup("copy")
                                .setDeserializer(RedisStreamDeserializer.fieldMap())
                                .setOption(RedisStreamSourceOptions.FETCH_BLOCK, Duration.ofMillis(50))
                                .setOption(RedisFenceOptions.KEY, fence.get(RedisFenceOptions.KEY))
                                .setOption(RedisFenceOptions.TOKEN, fence.get(RedisFenceOptions.TOKEN))
                                .build(),
                        WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(RedisStreamSink.<Map<String, String>>builder()
                        .setConnection(connection())
                        .setSerializer(fields -> new RedisStreamEntry(prefix + ":out:{" + fields.get("shard") + "}", fields))
                        .setOption(RedisFenceOptions.KEY, fence.get(RedisFenceOptions.KEY))
                        .setOption(RedisFenceOptions.TOKEN, fence.get(RedisFenceOptions.TOKEN))
                        .build());
        jobs.start(env, "cluster copy");

        await().atMost(TIMEOUT).until(() -> out.stream().mapToLong(redis::xlen).sum() >= SHARDS * PER_SHARD
                && in.stream().mapToLong(s -> redis.xpending(s, "copy").getTotal() + redis.xlen(s)).sum() == 0);
        for (int shard = 0; shard < SHARDS; shard++) {
            assertThat(values(redis, out.get(shard))).as("stream %s", out.get(shard))
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, PER_SHARD).boxed().toList());
        }
        Set<String> consumers = new HashSet<>();
        in.forEach(s -> redis.xinfoConsumers2(s, "copy").forEach(c -> consumers.add(c.getName())));
        assertThat(consumers).containsExactlyInAnyOrderElementsOf(in.stream().map(s -> "copy-" + s).toList());
    }

    private static List<String> shardKeys(String prefix) {
        return IntStream.range(0, SHARDS).mapToObj(shard -> prefix + "{" + shard + "}").toList();
    }

    /** Braces that make no hash tag (an empty pair first, or a closing one alone): Redis hashes the whole name. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"odd{}key", "odd}key", "{}{odd}"})
    void aFencedWriteReachesAStreamWhoseBracesMakeNoHashTag(String stream) {
        StreamFence holder = new StreamFence("fence", "job");
        holder.hold(redis, List.of(stream), 1, Duration.ofMinutes(5));
        Configuration fence = new Configuration();
        fence.set(RedisFenceOptions.KEY, holder.key());
        fence.set(RedisFenceOptions.TOKEN, holder.token());
        StreamCommands commands = StreamCommands.of(fence);
        commands.load(redis);

        Supplier<List<StreamEntryID>> appended;
        try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
            appended = commands.append(pipeline, stream, List.of(Map.of("i", "1")), 0);
            pipeline.sync();
        }

        assertThat(appended.get()).hasSize(1);
        assertThat(redis.xlen(stream)).isOne();
    }

    /**
     * A cluster pipeline whose connection to one node broke (the node restarted) leaves that node's
     * replies unset instead of throwing: asking for one is a lost connection, which the connectors retry.
     */
    @Test
    void aReplyLostWithItsNodeInAClusterPipelineIsARetriedConnectionFailure() {
        List<String> streams = shardKeys("lost:");
        int stopped = CLUSTER.nodeOf(streams.get(0));
        StreamCommands commands = StreamCommands.of(new Configuration());
        streams.forEach(stream -> redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("i", "0")));

        Map<String, Supplier<List<StreamEntryID>>> replies = new HashMap<>();
        CLUSTER.stop(stopped);
        try {
            try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
                streams.forEach(stream -> replies.put(stream, commands.append(pipeline, stream, List.of(Map.of("i", "1")), 0)));
                pipeline.sync();
            }
        } finally {
            CLUSTER.start(stopped);
        }

        for (String stream : streams) {
            if (CLUSTER.nodeOf(stream) == stopped) {
                assertThatThrownBy(() -> replies.get(stream).get()).as(stream)
                        .isInstanceOf(JedisConnectionException.class)
                        .satisfies(e -> assertThat(ConnectionRetry.isTransient((RuntimeException) e)).isTrue());
            } else {
                assertThat(replies.get(stream).get()).as(stream).hasSize(1);
            }
        }
    }

    /**
     * The fence scripts are loaded on every master (SCRIPT LOAD is broadcast): with one master down,
     * the load fails for that node only, a retried failure like the node's lost connection.
     */
    @Test
    void loadingTheFenceScriptsWithAMasterDownIsARetriedFailure() {
        StreamFence holder = new StreamFence("fence", "job");
        Configuration fence = new Configuration();
        fence.set(RedisFenceOptions.KEY, holder.key());
        fence.set(RedisFenceOptions.TOKEN, holder.token());
        StreamCommands commands = StreamCommands.of(fence);
        int stopped = CLUSTER.nodeOf(shardKeys("load:").get(0));

        CLUSTER.stop(stopped);
        try {
            assertThatThrownBy(() -> commands.load(redis))
                    .isInstanceOf(JedisBroadcastException.class)
                    .satisfies(e -> assertThat(ConnectionRetry.isTransient((RuntimeException) e)).isTrue());
        } finally {
            CLUSTER.start(stopped);
        }
    }

    private static RedisConnectionConfig connection() {
        // One seed is enough: the client learns the other nodes from it.
        return RedisConnectionConfig.builder().clusterNodes(CLUSTER.nodes().subList(0, 1)).build();
    }
}
