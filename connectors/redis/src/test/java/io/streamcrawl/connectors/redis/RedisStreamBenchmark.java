package io.streamcrawl.connectors.redis;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.awaitility.core.ConditionTimeoutException;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * Measures the connector's records/s against a running redis-server, on a local MiniCluster with
 * parallelism 1: the sink writing frontier-like entries to 4 streams, then the source reading them
 * back through a consumer group with checkpoints (and so acknowledgements) every second; then both
 * again with a {@link StreamFence}, whose Lua scripts check it with every command. Each rate
 * runs from the first record to the last, so job start-up is not counted. Run by
 * {@code scripts/bench-redis.sh}, which prints it next to redis-benchmark's XADD figures.
 *
 * <pre>RedisStreamBenchmark HOST PORT RECORDS</pre>
 */
public final class RedisStreamBenchmark {
    private static final int STREAMS = 4;
    private static final AtomicLong FIRST_NANOS = new AtomicLong();
    private static final AtomicLong COUNT = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();

    private RedisStreamBenchmark() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long records = Long.parseLong(args[2]);
        RedisConnectionConfig connection = RedisConnectionConfig.builder().host(host).port(port).build();
        List<String> streams = IntStream.range(0, STREAMS).mapToObj(i -> "bench:{" + i + "}").toList();
        try (RedisClient redis = RedisClient.create(host, port)) {
            streams.forEach(redis::del);
        }

        double sink = sink(connection, records, new Configuration());
        System.out.printf(Locale.ROOT, "connector sink   (1 writer, pipelined batches of 500, 4 streams):   %.0f records/s%n", sink);
        double source = source(connection, streams, records, "bench", new Configuration());
        System.out.printf(Locale.ROOT, "connector source (1 reader, COUNT 500, 4 streams, XACK+XDEL on 1 s checkpoints): %.0f records/s%n",
                source);
        // The same with a stream fence: every XADD, XREADGROUP and XACK+XDEL in a Lua script that checks it first.
        StreamFence fence = new StreamFence("bench:fence", "bench");
        try (UnifiedJedis redis = connection.createClient("bench")) {
            fence.hold(redis, streams, 1, Duration.ofHours(1));
        }
        Configuration fenced = new Configuration();
        fenced.set(RedisFenceOptions.KEY, fence.key());
        fenced.set(RedisFenceOptions.TOKEN, fence.token());
        double fencedSink = sink(connection, records, fenced);
        System.out.printf(Locale.ROOT, "connector sink   fenced (Lua XADDs, one script per stream and batch): %.0f records/s (%.2f of plain)%n",
                fencedSink, fencedSink / sink);
        double fencedSource = source(connection, streams, records, "bench-fenced", fenced);
        System.out.printf(Locale.ROOT, "connector source fenced (Lua XREADGROUP, XACK+XDEL):               %.0f records/s (%.2f of plain)%n",
                fencedSource, fencedSource / source);
    }

    /** Writes {@code records} entries with the sink; returns records/s from the first to the last. */
    private static double sink(RedisConnectionConfig connection, long records, Configuration options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        FIRST_NANOS.set(0);
        env.fromSequence(0, records - 1)
                .map(new StartClock())
                .sinkTo(RedisStreamSink.<Long>builder()
                        .setConnection(connection)
                        .setSerializer(i -> new RedisStreamEntry("bench:{" + i % STREAMS + "}",
                                Map.of("url", "https://example.org/page/" + i, "task", "bench", "depth", "3")))
                        .setOption(RedisFenceOptions.KEY, options.get(RedisFenceOptions.KEY))
                        .setOption(RedisFenceOptions.TOKEN, options.get(RedisFenceOptions.TOKEN))
                        .build());
        env.execute("redis sink benchmark");
        return records / seconds(FIRST_NANOS.get(), System.nanoTime());
    }

    /** Reads the entries the sink wrote with the source; returns records/s from the first to the last. */
    private static double source(RedisConnectionConfig connection, List<String> streams, long records, String group,
            Configuration options) throws Exception {
        try (RedisClient redis = RedisClient.create(connection.host(), connection.port())) {
            long written = streams.stream().mapToLong(redis::xlen).sum();
            if (written < records) {
                fill(redis, streams, records - written);
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.enableCheckpointing(1000);
        FIRST_NANOS.set(0);
        COUNT.set(0);
        LAST_NANOS.set(0);
        env.fromSource(RedisStreamSource.<Map<String, String>>builder()
                                .setConnection(connection)
                                .setStreams(streams)
                                .setGroup(group)
                                .setDeserializer(RedisStreamDeserializer.fieldMap())
                                .setOption(RedisFenceOptions.KEY, options.get(RedisFenceOptions.KEY))
                                .setOption(RedisFenceOptions.TOKEN, options.get(RedisFenceOptions.TOKEN))
                                .build(),
                        WatermarkStrategy.noWatermarks(), "redis source")
                .map(new CountTo(records))
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("redis source benchmark");
        try {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> LAST_NANOS.get() != 0);
        } catch (ConditionTimeoutException e) {
            // reported below, once the job is cancelled
        }
        job.cancel().get(1, TimeUnit.MINUTES);
        if (LAST_NANOS.get() == 0) {
            throw new IllegalStateException("the source read " + COUNT.get() + " of " + records + " entries in 10 minutes");
        }
        return records / seconds(FIRST_NANOS.get(), LAST_NANOS.get());
    }

    private static void fill(RedisClient redis, List<String> streams, long records) {
        for (long from = 0; from < records; from += 1000) {
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (long i = from; i < Math.min(records, from + 1000); i++) {
                    pipeline.xadd(streams.get((int) (i % STREAMS)), StreamEntryID.NEW_ENTRY,
                            Map.of("url", "https://example.org/page/" + i, "task", "bench", "depth", "3"));
                }
            }
        }
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }

    /** Notes when the first record passes. */
    private static final class StartClock implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) {
            FIRST_NANOS.compareAndSet(0, System.nanoTime());
            return value;
        }
    }

    /** Notes when the first and the n-th record pass. */
    private static final class CountTo implements MapFunction<Map<String, String>, Map<String, String>> {
        private final long n;

        CountTo(long n) {
            this.n = n;
        }

        @Override
        public Map<String, String> map(Map<String, String> value) {
            FIRST_NANOS.compareAndSet(0, System.nanoTime());
            if (COUNT.incrementAndGet() == n) {
                LAST_NANOS.set(System.nanoTime());
            }
            return value;
        }
    }
}
