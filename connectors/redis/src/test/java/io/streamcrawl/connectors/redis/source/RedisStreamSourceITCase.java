package io.streamcrawl.connectors.redis.source;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamcrawl.connectors.redis.source.SourceTestFunctions.distinctIds;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.CollectingSink;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.RedisTestJobs;
import io.streamcrawl.connectors.redis.RunningJobs;
import io.streamcrawl.connectors.redis.RedisTestStreams;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.CountPerKey;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.FailOnce;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.Gate;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.RequireUrl;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.StreamAndId;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/** The source in Flink jobs on a MiniCluster, against a real redis-server. */
class RedisStreamSourceITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster(REPORTER.addToConfiguration(new Configuration()));

    private static final Duration TIMEOUT = Duration.ofSeconds(25);
    private static final String GROUP = "streamcrawl";
    /** Entries processed but not yet acknowledged that a stream may hold at 5,000 entries/s, checkpoints every 100 ms. */
    private static final long MAX_UNACKNOWLEDGED = 4000;

    @RegisterExtension final RunningJobs jobs = new RunningJobs();

    private RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port());

    @AfterEach
    void stop() throws Exception {
        Gate.open();
        redis.close();
    }

    @Test
    void emitsEachEntryOfTwoStreamsOnceAndAcknowledgesThemAfterCheckpoints() throws Exception {
        List<String> streams = List.of("t1:0", "t1:1");
        List<String> written = add(streams, 500);

        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(2);
        env.fromSource(source(streams, new StreamAndId()), WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(new CollectingSink("t1"));
        jobs.start(env, "t1");

        await().atMost(TIMEOUT).until(() -> CollectingSink.results("t1").size() >= written.size()
                && pending(streams) == 0);
        assertThat(CollectingSink.results("t1")).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(written);
        assertThat(streams).allSatisfy(s -> assertThat(redis.xlen(s)).as("entries left in %s", s).isZero());
        assertThat(redis.xinfoConsumers2("t1:0", GROUP)).extracting(c -> c.getName()).containsExactly("streamcrawl-t1:0");
    }

    @Test
    void afterAFailureTheRestoredJobLosesNoEntryAndAppliesNoneTwice() throws Exception {
        List<String> streams = List.of("t2:0", "t2:1");
        FailOnce.reset();
        StreamExecutionEnvironment env = RedisTestJobs.restartingThrice(2);
        env.fromSource(source(streams, new StreamAndId()), WatermarkStrategy.noWatermarks(), "redis source")
                .map(new FailOnce())
                .keyBy(id -> id)
                .process(new CountPerKey())
                .sinkTo(new CollectingSink("t2"));

        List<String> written = new ArrayList<>(add(streams, 200));
        jobs.start(env, "t2");
        // Once the first entries are deleted, a checkpoint covering them has completed.
        await().atMost(TIMEOUT).until(() -> distinctIds("t2").size() == written.size()
                && streams.stream().allMatch(s -> redis.xlen(s) == 0));
        FailOnce.armAfter(150);
        written.addAll(add(streams, 200));

        await().atMost(TIMEOUT).until(() -> FailOnce.FAILURES.get() == 1
                && distinctIds("t2").containsAll(written) && pending(streams) == 0);
        assertThat(distinctIds("t2")).containsExactlyInAnyOrderElementsOf(written);
        // The keyed state counts how often each entry reached it since the restored checkpoint.
        assertThat(CollectingSink.results("t2")).allSatisfy(r -> assertThat(r).endsWith("#1"));
    }

    @Test
    void malformedEntriesAreSkippedCountedAndAcknowledged() throws Exception {
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            good.add("http://example.org/" + i);
            redis.xadd("t3", StreamEntryID.NEW_ENTRY, Map.of("url", good.get(i)));
            if (i % 4 == 0) {
                redis.xadd("t3", StreamEntryID.NEW_ENTRY, Map.of("href", "no url field " + i));
            }
        }
        redis.xadd("t3", StreamEntryID.NEW_ENTRY, Map.of("task", "last entry, malformed"));

        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(1);
        env.fromSource(source(List.of("t3"), new RequireUrl()), WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(new CollectingSink("t3"));
        JobClient job = jobs.start(env, "t3");

        await().atMost(TIMEOUT).until(() -> CollectingSink.results("t3").size() == good.size()
                && pending(List.of("t3")) == 0 && malformedEntries(job) == 4);
        assertThat(CollectingSink.results("t3")).containsExactlyElementsOf(good);
        assertThat(redis.xlen("t3")).isZero();
    }

    @Test
    void keepsReadingAcrossARedisRestart() throws Exception {
        List<String> written = new ArrayList<>(add(List.of("t4"), 50));
        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(1);
        env.fromSource(source(List.of("t4"), new StreamAndId()), WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(new CollectingSink("t4"));
        jobs.start(env, "t4");
        await().atMost(TIMEOUT).until(() -> CollectingSink.results("t4").size() == 50);

        REDIS.restart();
        redis.close();
        redis = RedisClient.create(REDIS.host(), REDIS.port());
        written.addAll(add(List.of("t4"), 50));

        await().atMost(TIMEOUT).until(() -> CollectingSink.results("t4").size() >= 100 && pending(List.of("t4")) == 0);
        assertThat(CollectingSink.results("t4")).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void entriesPendingUnderAVanishedConsumerAreClaimedAndProcessedExactlyOnce() throws Exception {
        List<String> written = add(List.of("t5"), 100);
        redis.xgroupCreate("t5", GROUP, new StreamEntryID(0, 0), false);
        assertThat(redis.xreadGroup(GROUP, "ghost", XReadGroupParams.xReadGroupParams().count(40),
                Map.of("t5", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)).get(0).getValue()).hasSize(40);

        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(1);
        env.fromSource(builder(List.of("t5"), new StreamAndId())
                        .setOption(RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME, Duration.ZERO).build(),
                        WatermarkStrategy.noWatermarks(), "redis source")
                .keyBy(id -> id)
                .process(new CountPerKey())
                .sinkTo(new CollectingSink("t5"));
        jobs.start(env, "t5");

        await().atMost(TIMEOUT).until(() -> distinctIds("t5").size() == written.size()
                && pending(List.of("t5")) == 0 && redis.xlen("t5") == 0);
        assertThat(CollectingSink.results("t5")).doesNotHaveDuplicates().allSatisfy(r -> assertThat(r).endsWith("#1"));
        assertThat(distinctIds("t5")).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void entriesAStrayConsumerTakesWhileTheJobReadsAreClaimedAndReachTheStateOnceAcrossAFailure() throws Exception {
        List<String> streams = List.of("t8");
        FailOnce.reset();
        StreamExecutionEnvironment env = RedisTestJobs.restartingThrice(1);
        env.fromSource(builder(streams, new StreamAndId())
                                .setOption(RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME, Duration.ofMillis(300)).build(),
                        WatermarkStrategy.noWatermarks(), "redis source")
                .map(new FailOnce())
                .keyBy(id -> id)
                .process(new CountPerKey())
                .sinkTo(new CollectingSink("t8"));
        List<String> written = new ArrayList<>(add(streams, 100));
        JobClient job = jobs.start(env, "t8");
        await().atMost(TIMEOUT).until(() -> distinctIds("t8").size() == written.size() && redis.xlen("t8") == 0);

        written.addAll(addAndDeliverTo("stray", "t8", 40));
        FailOnce.armAfter(70);
        written.addAll(add(streams, 50));

        // The stray's 40 entries lie behind the split's position; the failure comes among them or after.
        await().atMost(TIMEOUT).until(() -> FailOnce.FAILURES.get() == 1
                && distinctIds("t8").containsAll(written) && pending(streams) == 0 && redis.xlen("t8") == 0);
        assertThat(distinctIds("t8")).containsExactlyInAnyOrderElementsOf(written);
        assertThat(CollectingSink.results("t8")).allSatisfy(r -> assertThat(r).endsWith("#1"));
        assertThat(redis.xpending("t8", GROUP).getConsumerMessageCount()).isNullOrEmpty();
    }

    /** Adds entries and delivers them to another consumer of the group in one transaction, so the job never sees them. */
    private List<String> addAndDeliverTo(String consumer, String stream, int n) {
        List<Response<StreamEntryID>> ids = new ArrayList<>();
        try (AbstractTransaction tx = redis.multi()) {
            for (int i = 0; i < n; i++) {
                ids.add(tx.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("n", String.valueOf(i))));
            }
            tx.xreadGroup(GROUP, consumer, XReadGroupParams.xReadGroupParams().count(n),
                    Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            tx.exec();
        }
        assertThat(redis.xpending(stream, GROUP).getConsumerMessageCount()).containsEntry(consumer, (long) n);
        return ids.stream().map(id -> stream + "/" + id.get()).toList();
    }

    @Test
    void reportsPendingCountLagBytesInAndTheTimeFromCheckpointToAck() throws Exception {
        List<String> written = add(List.of("t6"), 1000);
        long bytes = IntStream.range(0, 1000).mapToLong(i -> "n".length() + String.valueOf(i).length()).sum();
        Gate.close();
        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(1);
        env.fromSource(builder(List.of("t6"), new StreamAndId())
                        .setOption(RedisStreamSourceOptions.FETCH_COUNT, 100).build(),
                        WatermarkStrategy.noWatermarks(), "redis source")
                .map(new Gate())
                .sinkTo(new CollectingSink("t6"));
        JobClient job = jobs.start(env, "t6");

        // The gate holds the first record: the reader has read some entries (pending), not all (lag).
        // Both gauges come from one refresh; asserting them together keeps a refresh out of between.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            long pending = gauge(job, "t6", RedisStreamSourceReaderMetrics.PENDING_COUNT);
            long lag = gauge(job, "t6", RedisStreamSourceReaderMetrics.CONSUMER_LAG);
            assertThat(pending).isPositive();
            assertThat(lag).isPositive();
            assertThat(pending + lag).isEqualTo(written.size());
            assertThat(sourceGauge(job, "pendingRecords")).as("FLIP-33 pendingRecords").isEqualTo(lag);
        });
        Gate.open();

        await().atMost(TIMEOUT).until(() -> CollectingSink.results("t6").size() == written.size()
                && gauge(job, "t6", RedisStreamSourceReaderMetrics.PENDING_COUNT) == 0
                && gauge(job, "t6", RedisStreamSourceReaderMetrics.CONSUMER_LAG) == 0
                && sourceGauge(job, "pendingRecords") == 0);
        assertThat(sourceCounter(job, "numBytesIn")).isEqualTo(bytes);
        Histogram ackTime = (Histogram) REPORTER.findMetric(job.getJobID(), RedisStreamSourceReaderMetrics.CHECKPOINT_TO_ACK_TIME)
                .orElseThrow();
        assertThat(ackTime.getCount()).isPositive();
        assertThat(ackTime.getStatistics().getMax()).isBetween(0L, TIMEOUT.toMillis());
    }

    @Test
    void theStreamLengthFollowsTheBacklogWhileEntriesArriveContinuously() throws Exception {
        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(1);
        env.fromSource(source(List.of("t7"), new StreamAndId()), WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(new CollectingSink("t7"));
        jobs.start(env, "t7");

        // 20,000 entries in rounds of 100, at most one round per 20 ms (5,000/s): about 40 checkpoints.
        int produced = 0;
        long maxXlen = 0;
        long maxAboveBacklog = Long.MIN_VALUE;
        for (int round = 0; round < 200; round++) {
            add(List.of("t7"), 100);
            produced += 100;
            long xlen = redis.xlen("t7");
            // Read after XLEN, so the backlog errs low and the excess high.
            long backlog = produced - CollectingSink.results("t7").size();
            maxXlen = Math.max(maxXlen, xlen);
            maxAboveBacklog = Math.max(maxAboveBacklog, xlen - backlog);
            int total = produced;
            await().atMost(TIMEOUT).pollDelay(Duration.ofMillis(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> total - CollectingSink.results("t7").size() < 1000);
        }
        // Beyond the backlog, a stream holds only the entries processed since the last acknowledged
        // checkpoint (about 1,300 were seen here), never its history (20,000 without XDEL).
        assertThat(maxAboveBacklog).as("most entries in the stream beyond the unprocessed ones (XLEN peaked at %s)", maxXlen)
                .isLessThanOrEqualTo(MAX_UNACKNOWLEDGED);
        int total = produced;
        await().atMost(TIMEOUT).until(() -> CollectingSink.results("t7").size() == total && redis.xlen("t7") == 0);
        assertThat(CollectingSink.results("t7")).hasSize(total).doesNotHaveDuplicates();
    }

    private static <T> RedisStreamSource<T> source(List<String> streams, RedisStreamDeserializer<T> deserializer) {
        return builder(streams, deserializer).build();
    }

    private static <T> RedisStreamSourceBuilder<T> builder(List<String> streams, RedisStreamDeserializer<T> deserializer) {
        return RedisStreamSource.<T>builder()
                .setConnection(RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build())
                .setStreams(streams)
                .setGroup(GROUP)
                .setDeserializer(deserializer)
                .setOption(RedisStreamSourceOptions.FETCH_BLOCK, Duration.ofMillis(50))
                .setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(200));
    }

    private List<String> add(List<String> streams, int perStream) {
        return RedisTestStreams.addEntries(redis, streams, perStream);
    }

    private long pending(List<String> streams) {
        return RedisTestStreams.pending(redis, GROUP, streams);
    }

    /** The gauge of the split of {@code stream}; -1 before it is registered. */
    private static long gauge(JobClient job, String stream, String name) {
        Map<String, Metric> metrics = REPORTER.findMetrics(job.getJobID(), "\\." + stream + "\\." + name + "$");
        assertThat(metrics).as("metrics %s of stream %s", name, stream).hasSizeLessThanOrEqualTo(1);
        return metrics.values().stream().mapToLong(m -> ((Number) ((Gauge<?>) m).getValue()).longValue()).findFirst()
                .orElse(-1);
    }

    /** The sum of a gauge of the source operator's subtasks. */
    private static long sourceGauge(JobClient job, String name) {
        return REPORTER.findMetrics(job.getJobID(), "\\.Source: redis source\\.\\d+\\." + name + "$").values().stream()
                .mapToLong(m -> ((Gauge<?>) m).getValue() instanceof Number n ? n.longValue() : -1)
                .sum();
    }

    /** The sum of a counter of the source operator's subtasks. */
    private static long sourceCounter(JobClient job, String name) {
        return REPORTER.findMetrics(job.getJobID(), "\\.Source: redis source\\.\\d+\\." + name + "$").values().stream()
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    private static long malformedEntries(JobClient job) {
        return REPORTER.findMetrics(job.getJobID(), RedisStreamSourceReaderMetrics.MALFORMED_ENTRIES).values().stream()
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }
}
