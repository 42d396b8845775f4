package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.streamcrawl.connectors.redis.RedisTestStreams.values;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceBuilder;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.Gate;
import io.streamcrawl.testing.FaultProxy;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * Source and sink through a redis-server restart (AOF on) and lost replies without Flink restarting
 * anything, and an outage past {@link RedisRetryOptions#TIMEOUT} failing the job.
 */
class RedisFaultsITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_TIMEOUT = Duration.ofSeconds(2);
    /** Often enough that the test acts while the entries it waits for are arriving. */
    private static final Duration POLL = Duration.ofMillis(10);
    /** Entries the producer adds at a time. */
    private static final int BATCH = 10;

    @RegisterExtension final RunningJobs jobs = new RunningJobs();

    @AfterEach
    void openGate() {
        Gate.open();
    }

    @Test
    void aRedisRestartInTheMiddleOfACopyLosesNoEntry() throws Exception {
        int total = 3000;
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        env.fromSource(source("r:in", Duration.ofMinutes(5)), WatermarkStrategy.noWatermarks(), "redis source")
                .sinkTo(sink("r:out", Duration.ofMinutes(5)));
        JobClient job = jobs.start(env, "copy across a restart");

        try (RedisClient redis = client()) {
            // The sink writes at checkpoints: the producer may run a few checkpoints' worth of entries ahead.
            CompletableFuture<Void> producer =
                    CompletableFuture.runAsync(() -> produce("r:in", total, 500, () -> redis.xlen("r:out")));
            await().atMost(TIMEOUT).pollInterval(POLL).until(() -> redis.xlen("r:out") >= 500);
            assertThat(producer).isNotDone();
            REDIS.restart();
            producer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        try (RedisClient redis = client()) {
            await().atMost(TIMEOUT).until(() -> new HashSet<>(values(redis, "r:out")).size() == total
                    && redis.xlen("r:in") == 0 && redis.xpending("r:in", "g").getTotal() == 0);
            // At least once: a batch in flight at the restart may have been written twice.
            assertThat(new HashSet<>(values(redis, "r:out"))).containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).boxed().toList());
        }
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void lostXreadgroupRepliesWhileEntriesArriveLoseNoEntryAndEmitNoneTwice() throws Exception {
        int total = 3000;
        int lostReplies = 5;
        try (FaultProxy proxy = FaultProxy.to(REDIS.host(), REDIS.port())) {
            StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
            env.fromSource(source(connection(proxy), "l:in", Duration.ofMinutes(5)).build(),
                            WatermarkStrategy.noWatermarks(), "redis source")
                    .map(fields -> fields.get("i"))
                    .sinkTo(new CollectingSink("lost-replies"));
            JobClient job = jobs.start(env, "lost replies");
            CompletableFuture<Void> producer = CompletableFuture.runAsync(
                    () -> produce("l:in", total, 100, () -> CollectingSink.results("lost-replies").size()));

            for (int lost = 1; lost <= lostReplies; lost++) {
                int emitted = CollectingSink.results("lost-replies").size();
                // Each reply is lost after the reader has read new entries again.
                await().atMost(TIMEOUT).pollInterval(POLL).until(() -> CollectingSink.results("lost-replies").size() > emitted);
                proxy.dropReplyTo("XREADGROUP");
                int dropped = lost;
                await().atMost(TIMEOUT).until(() -> proxy.droppedReplies() == dropped);
            }
            assertThat(producer).as("entries still arriving after the last lost reply").isNotDone();
            producer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            // Entries are deleted as they are acknowledged: once none is left, every entry emitted is in the sink.
            try (RedisClient redis = client()) {
                await().atMost(TIMEOUT).until(() -> redis.xlen("l:in") == 0 && redis.xpending("l:in", "g").getTotal() == 0);
            }
            assertThat(CollectingSink.results("lost-replies")).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).mapToObj(String::valueOf).toList());
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        }
    }

    @Test
    void aLostXclaimReplyLeavesNoClaimedEntryBehindAndEmitsNoneTwice() throws Exception {
        int total = 100;
        produce("c:in", total, total, () -> 0);
        try (FaultProxy proxy = FaultProxy.to(REDIS.host(), REDIS.port()); RedisClient redis = client()) {
            redis.xgroupCreate("c:in", "g", new StreamEntryID(0, 0), false);
            assertThat(redis.xreadGroup("g", "ghost", XReadGroupParams.xReadGroupParams().count(total),
                    Map.of("c:in", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)).get(0).getValue()).hasSize(total);
            proxy.dropReplyTo("XCLAIM");
            StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
            env.fromSource(source(connection(proxy), "c:in", Duration.ofMinutes(5))
                                    .setOption(RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME, Duration.ZERO)
                                    .setOption(RedisStreamSourceOptions.ACK_BATCH_SIZE, 10)
                                    .build(),
                            WatermarkStrategy.noWatermarks(), "redis source")
                    .map(fields -> fields.get("i"))
                    .sinkTo(new CollectingSink("lost-claim"));
            JobClient job = jobs.start(env, "lost claim");

            await().atMost(TIMEOUT).until(() -> redis.xlen("c:in") == 0 && redis.xpending("c:in", "g").getTotal() == 0);
            assertThat(proxy.droppedReplies()).isOne();
            assertThat(CollectingSink.results("lost-claim")).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).mapToObj(String::valueOf).toList());
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        }
    }

    @Test
    void theSourceFailsTheJobOnlyOnceRedisStayedDownPastTheRetryTimeout() throws Exception {
        produce("d:in", 5, 5, () -> 0);
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        env.fromSource(source("d:in", RETRY_TIMEOUT), WatermarkStrategy.noWatermarks(), "redis source")
                .map(Map::toString)
                .sinkTo(new CollectingSink("deadline-source"));
        JobClient job = jobs.start(env, "source deadline");
        await().atMost(TIMEOUT).until(() -> CollectingSink.results("deadline-source").size() == 5);

        assertFailsAfterTheRetryTimeout(job, REDIS::stop, "Redis stream source 0");
    }

    @Test
    void theSinkFailsTheJobOnlyOnceRedisStayedDownPastTheRetryTimeout() throws Exception {
        Gate.close();
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        RedisTestJobs.endless(env)
                .map(String::valueOf)
                .map(new Gate())
                .sinkTo(RedisStreamSink.<String>builder()
                        .setConnection(connection())
                        .setSerializer(s -> new RedisStreamEntry("d:out", Map.of("s", s)))
                        .setOption(RedisRetryOptions.TIMEOUT, RETRY_TIMEOUT)
                        .setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(200))
                        .build());
        JobClient job = jobs.start(env, "sink deadline");

        assertFailsAfterTheRetryTimeout(job, () -> {
            REDIS.stop();
            Gate.open();
        }, "Redis stream sink 0");
    }

    /** Runs {@code outage}, which stops Redis, and expects the job to fail, not before the retry timeout. */
    private static void assertFailsAfterTheRetryTimeout(JobClient job, Runnable outage, String operator) throws Exception {
        try {
            long start = System.nanoTime();
            outage.run();
            assertThatThrownBy(() -> job.getJobExecutionResult().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "redis.retry.timeout = PT2S"))
                            .as("a cause naming the retry timeout in %s", ExceptionUtils.stringifyException(e))
                            .hasValueSatisfying(cause -> assertThat(cause.getMessage()).contains(operator)));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(RETRY_TIMEOUT);
        } finally {
            REDIS.start();
        }
    }

    /**
     * Adds entries {@code i} = 0..n-1, {@link #BATCH} at a time, each batch once the job has taken
     * ({@code taken}) all but {@code ahead} of the entries before it: the producer keeps pace with
     * the job on a fast or a loaded machine alike, so entries are still arriving when the test's
     * faults come. A batch that fails, Redis being down or still loading its data, is sent again.
     */
    private static void produce(String stream, int n, int ahead, LongSupplier taken) {
        try (RedisClient redis = client()) {
            for (int from = 0; from < n; from += BATCH) {
                int first = from;
                int end = Math.min(n, from + BATCH);
                await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(POLL).ignoreExceptions()
                        .until(() -> taken.getAsLong() >= first - ahead);
                await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> addBatch(redis, stream, first, end));
            }
        }
    }

    /** Adds entries {@code i} = from..end-1 in one pipeline; true once Redis has accepted each. */
    private static boolean addBatch(RedisClient redis, String stream, int from, int end) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            List<Response<StreamEntryID>> added = new ArrayList<>();
            for (int i = from; i < end; i++) {
                added.add(pipeline.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("i", String.valueOf(i))));
            }
            pipeline.sync();
            // A restarted server still loading its data answers each XADD with an error (LOADING).
            added.forEach(Response::get);
            return true;
        }
    }

    private static RedisStreamSource<Map<String, String>> source(String stream, Duration retryTimeout) {
        return source(connection(), stream, retryTimeout).build();
    }

    private static RedisStreamSourceBuilder<Map<String, String>> source(
            RedisConnectionConfig connection, String stream, Duration retryTimeout) {
        return RedisTestJobs.fieldMapSource(connection, stream)
                .setOption(RedisStreamSourceOptions.FETCH_BLOCK, Duration.ofMillis(50))
                .setOption(RedisRetryOptions.TIMEOUT, retryTimeout)
                .setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(200));
    }

    private static RedisConnectionConfig connection(FaultProxy proxy) {
        return RedisConnectionConfig.builder().host(proxy.host()).port(proxy.port()).build();
    }

    private static RedisStreamSink<Map<String, String>> sink(String stream, Duration retryTimeout) {
        return RedisStreamSink.<Map<String, String>>builder()
                .setConnection(connection())
                .setSerializer(fields -> new RedisStreamEntry(stream, fields))
                .setOption(RedisRetryOptions.TIMEOUT, retryTimeout)
                .setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(200))
                .build();
    }

    private static RedisConnectionConfig connection() {
        return RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build();
    }

    private static RedisClient client() {
        return RedisClient.create(REDIS.host(), REDIS.port());
    }
}
