package io.streamcrawl.connectors.redis.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamcrawl.connectors.redis.RedisTestStreams.values;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisTestJobs;
import io.streamcrawl.connectors.redis.RunningJobs;
import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** The sink in Flink jobs on a MiniCluster, against a real redis-server. */
class RedisStreamSinkITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster(REPORTER.addToConfiguration(new Configuration()));

    private static final Duration TIMEOUT = Duration.ofSeconds(25);
    /** Large enough that only a checkpoint or the end of input flushes. */
    private static final Duration NEVER = Duration.ofHours(1);

    @RegisterExtension final RunningJobs jobs = new RunningJobs();

    private final RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port());

    @AfterEach
    void stop() throws Exception {
        redis.sendCommand(Protocol.Command.CLIENT, "UNPAUSE");
        redis.close();
    }

    @Test
    void writesEachRecordToTheStreamItChoosesAndFlushesAtEndOfInput() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromData(IntStream.range(0, 1000).boxed().collect(Collectors.toList()))
                .sinkTo(RedisStreamSink.<Integer>builder()
                        .setConnection(connection())
                        .setSerializer(i -> new RedisStreamEntry("out:" + i % 3, Map.of("i", String.valueOf(i))))
                        .setOption(RedisStreamSinkOptions.BATCH_SIZE, 100_000)
                        .setOption(RedisStreamSinkOptions.MAX_BUFFERED_ENTRIES, 200_000)
                        .setOption(RedisStreamSinkOptions.FLUSH_INTERVAL, NEVER)
                        .build())
                .name("redis sink");

        env.execute("end of input");

        for (int k = 0; k < 3; k++) {
            int shard = k;
            List<Integer> expected = IntStream.range(0, 1000).filter(i -> i % 3 == shard).boxed().toList();
            assertThat(values(redis, "out:" + k)).as("stream out:%s", k).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void flushesOnEveryCheckpoint() throws Exception {
        startCopy("in", "copy", 100, NEVER);

        await().atMost(TIMEOUT).until(() -> redis.xlen("copy") >= 100);
        assertThat(values(redis, "copy")).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void flushesAfterTheFlushIntervalWithoutCheckpoints() throws Exception {
        startCopy("in2", "copy2", 10, Duration.ofMillis(50));

        await().atMost(TIMEOUT).until(() -> redis.xlen("copy2") >= 10);
        assertThat(values(redis, "copy2")).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
    }

    /**
     * Writes {@code entries} entries to {@code in} and starts a job copying them to {@code out}
     * with a sink whose batch never fills: only checkpoints (when {@code flushInterval} is
     * {@link #NEVER}, every 100 ms) or the flush interval flush it.
     */
    private void startCopy(String in, String out, int entries, Duration flushInterval) throws Exception {
        for (int i = 0; i < entries; i++) {
            redis.xadd(in, StreamEntryID.NEW_ENTRY, Map.of("i", String.valueOf(i)));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        if (flushInterval.equals(NEVER)) {
            env.enableCheckpointing(100);
        }
        RedisStreamSource<Map<String, String>> source = RedisStreamSource.<Map<String, String>>builder()
                .setConnection(connection())
                .setStreams(List.of(in))
                .setGroup("copy")
                .setDeserializer(RedisStreamDeserializer.fieldMap())
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(RedisStreamSink.<Map<String, String>>builder()
                        .setConnection(connection())
                        .setSerializer(fields -> new RedisStreamEntry(out, fields))
                        .setOption(RedisStreamSinkOptions.BATCH_SIZE, 100_000)
                        .setOption(RedisStreamSinkOptions.MAX_BUFFERED_ENTRIES, 200_000)
                        .setOption(RedisStreamSinkOptions.FLUSH_INTERVAL, flushInterval)
                        .build())
                .name("redis sink")
                .uid("redis-sink");
        jobs.start(env, "copy " + in + " to " + out);
    }

    @Test
    void blocksAtItsBoundWhileRedisDoesNotAnswerAndLosesNothing() throws Exception {
        int total = 5000;
        redis.sendCommand(Protocol.Command.CLIENT, "PAUSE", String.valueOf(TIMEOUT.multipliedBy(2).toMillis()), "WRITE");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(0, total - 1)
                .sinkTo(RedisStreamSink.<Long>builder()
                        // Longer than the pause: the XADDs wait for Redis instead of failing and being retried.
                        .setConnection(RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port())
                                .socketTimeout(TIMEOUT.multipliedBy(3)).build())
                        .setSerializer(i -> new RedisStreamEntry("paused", Map.of("i", String.valueOf(i))))
                        .setOption(RedisStreamSinkOptions.BATCH_SIZE, 100)
                        .setOption(RedisStreamSinkOptions.MAX_IN_FLIGHT_BATCHES, 2)
                        .setOption(RedisStreamSinkOptions.MAX_BUFFERED_ENTRIES, 300)
                        .setOption(RedisStreamSinkOptions.FLUSH_INTERVAL, NEVER)
                        .build())
                .name("paused sink");
        JobClient job = jobs.start(env, "redis paused");

        // Full batches only (no flush timer): two in flight, blocked in Redis, and a full buffer.
        await().atMost(TIMEOUT).until(() -> writerGauge(job, RedisStreamWriter.IN_FLIGHT_ENTRIES) == 200
                && writerGauge(job, RedisStreamWriter.BUFFERED_ENTRIES) == 300);
        Holds.forAtLeast(Duration.ofSeconds(1), () -> writerGauge(job, RedisStreamWriter.BUFFERED_ENTRIES) <= 300
                && writerGauge(job, RedisStreamWriter.IN_FLIGHT_ENTRIES) <= 200);
        assertThat(redis.xlen("paused")).isZero();
        redis.sendCommand(Protocol.Command.CLIENT, "UNPAUSE");

        job.getJobExecutionResult().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(values(redis, "paused")).containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).boxed().toList());
    }

    private static long writerGauge(JobClient job, String name) {
        Map<String, Metric> gauges = REPORTER.findMetrics(job.getJobID(), "\\." + name + "$");
        assertThat(gauges).as("gauges %s", name).hasSizeLessThanOrEqualTo(1);
        return gauges.values().stream().mapToLong(g -> ((Number) ((Gauge<?>) g).getValue()).longValue()).findFirst()
                .orElse(-1);
    }

    @Test
    void trimsStreamsWithMaxLength() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(IntStream.range(0, 3000).boxed().collect(Collectors.toList()))
                .sinkTo(RedisStreamSink.<Integer>builder()
                        .setConnection(connection())
                        .setSerializer(i -> new RedisStreamEntry("trimmed", Map.of("i", String.valueOf(i))))
                        .setMaxLength(100)
                        .build());

        env.execute("max length");

        // MAXLEN ~ trims whole radix-tree nodes (100 entries each by default): a little over 100 stay.
        assertThat(redis.xlen("trimmed")).isBetween(100L, 300L);
        List<Integer> kept = values(redis, "trimmed");
        assertThat(kept.get(kept.size() - 1)).isEqualTo(2999);
    }

    @Test
    void writesTheJournalStreamAfterEveryOtherEntryOfABatchAndTrimsOnlyIt() throws Exception {
        List<String> commands = new CopyOnWriteArrayList<>();
        Jedis monitor = new Jedis(REDIS.host(), REDIS.port());
        Thread monitoring = new Thread(() -> {
            try {
                monitor.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String command) {
                        commands.add(command);
                    }
                });
            } catch (RuntimeException e) {
                // closed by the test
            }
        });
        monitoring.start();
        await().atMost(TIMEOUT).until(() -> {
            redis.ping();
            return !commands.isEmpty();
        });
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        // One batch: a journal entry for each i, after an entry of i's own stream; grouped by stream
        // in one round, the journal's entries would all come before "work".
        env.fromData(IntStream.range(0, 400).boxed().collect(Collectors.toList()))
                .sinkTo(RedisStreamSink.<Integer>builder()
                        .setConnection(connection())
                        .setSerializer(i -> new RedisStreamEntry(i % 2 == 0 ? "journal" : "work", Map.of("i", String.valueOf(i))))
                        .setOption(RedisStreamSinkOptions.JOURNAL_STREAM, "journal")
                        .setOption(RedisStreamSinkOptions.BATCH_SIZE, 1000)
                        .setOption(RedisStreamSinkOptions.FLUSH_INTERVAL, NEVER)
                        .setMaxLength(10)
                        .build());

        env.execute("journal stream");
        monitor.close();
        monitoring.join(TIMEOUT.toMillis());

        List<String> xadds = commands.stream().filter(command -> command.contains("\"XADD\"")).toList();
        assertThat(xadds).hasSize(400);
        assertThat(xadds.subList(0, 200)).allSatisfy(command -> assertThat(command).contains("\"work\"").doesNotContain("MAXLEN"));
        assertThat(xadds.subList(200, 400)).allSatisfy(command -> assertThat(command).contains("\"journal\"", "MAXLEN"));
        assertThat(redis.xlen("work")).isEqualTo(200);
        assertThat(redis.xlen("journal")).isLessThan(200);
    }

    private static RedisConnectionConfig connection() {
        return RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build();
    }
}
