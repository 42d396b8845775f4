package io.streamcrawl.connectors.redis.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.annotation.Nullable;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobResourceRequirements;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.streamcrawl.connectors.redis.CollectingSink;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.RedisTestJobs;
import io.streamcrawl.connectors.redis.RedisTestStreams;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.CountPerKey;
import io.streamcrawl.connectors.redis.source.SourceTestFunctions.StreamAndId;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.RedisClient;

/**
 * Rescaling, by stop-with-savepoint and resume at another parallelism and by the adaptive scheduler
 * while the job runs: every entry reaches the keyed state once.
 */
class RedisStreamSourceRescaleITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    /** The adaptive scheduler, as config/flink/config.yaml sets it, with slots for parallelism 4. */
    @RegisterExtension static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster(adaptive(), 4);

    private static final Duration TIMEOUT = Duration.ofSeconds(25);
    private static final String GROUP = "rescale";
    private static final List<String> STREAMS = List.of("r:0", "r:1", "r:2", "r:3");

    private RedisClient redis;
    private RestClusterClient<?> client;
    @Nullable private JobID running;

    @BeforeEach
    void connect(@InjectClusterClient RestClusterClient<?> client) {
        this.client = client;
        redis = RedisClient.create(REDIS.host(), REDIS.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            client.cancel(running).get();
        }
        redis.close();
    }

    @Test
    void rescalingOneToTwoToOneThroughSavepointsKeepsEveryEntry(@TempDir Path savepoints) throws Exception {
        CollectingSink sink = new CollectingSink("rescale");
        List<String> written = new ArrayList<>();

        String first = runAndStopWithSavepoint(1, null, sink, written, savepoints);
        String second = runAndStopWithSavepoint(2, first, sink, written, savepoints);
        written.addAll(add(200));
        running = submit(1, second, sink);
        await().atMost(TIMEOUT).until(() -> distinctIds().size() == written.size() && pending() == 0);

        assertThat(CollectingSink.results("rescale")).doesNotHaveDuplicates()
                .allSatisfy(r -> assertThat(r).as("times the entry reached the keyed state").endsWith("#1"));
        assertThat(distinctIds()).containsExactlyInAnyOrderElementsOf(written);
        await().atMost(TIMEOUT).until(() -> STREAMS.stream().allMatch(s -> redis.xlen(s) == 0));
    }

    /**
     * The adaptive scheduler rescales the running job when its resource requirements change (PUT
     * /jobs/:jobid/resource-requirements, as scripts/flink-cluster.sh rescale sends it): the four
     * splits go from one reader to four and back to one, no entry lost or counted twice in keyed state.
     */
    @Test
    void adaptiveSchedulerRescalesTheRunningJobOneToFourToOne() throws Exception {
        CollectingSink sink = new CollectingSink("adaptive");
        List<String> written = new ArrayList<>(add(500));
        running = submit(1, null, sink);
        await().atMost(TIMEOUT).until(() -> adaptiveIds().size() >= 100);

        for (int parallelism : new int[] {4, 1}) {
            // Entries written while the job restarts at the new parallelism, and after.
            written.addAll(add(500));
            requireParallelism(running, parallelism);
            await().atMost(TIMEOUT).until(() -> runsAt(running, parallelism));
            written.addAll(add(500));
            await().atMost(TIMEOUT).until(() -> adaptiveIds().size() == written.size());
        }
        await().atMost(TIMEOUT).until(() -> pending() == 0);

        // A rescale restarts the job from a checkpoint: the collecting sink (not transactional) may
        // see a result again, but the keyed state never counts an entry twice.
        assertThat(CollectingSink.results("adaptive"))
                .allSatisfy(r -> assertThat(r).as("times the entry reached the keyed state").endsWith("#1"));
        assertThat(adaptiveIds()).containsExactlyInAnyOrderElementsOf(written);
        await().atMost(TIMEOUT).until(() -> STREAMS.stream().allMatch(s -> redis.xlen(s) == 0));
    }

    private static Configuration adaptive() {
        Configuration config = new Configuration();
        config.set(JobManagerOptions.SCHEDULER, JobManagerOptions.SchedulerType.Adaptive);
        // Rescale as soon as asked, not 30 s after the last rescale.
        config.set(JobManagerOptions.SCHEDULER_EXECUTING_COOLDOWN_AFTER_RESCALING, Duration.ZERO);
        return config;
    }

    /** Every vertex of the job at parallelism 1 to {@code parallelism}. */
    private void requireParallelism(JobID job, int parallelism) throws Exception {
        JobResourceRequirements.Builder requirements = JobResourceRequirements.newBuilder();
        client.getJobDetails(job).get().getJobVertexInfos()
                .forEach(v -> requirements.setParallelismForJobVertex(v.getJobVertexID(), 1, parallelism));
        client.updateJobResourceRequirements(job, requirements.build()).get();
    }

    private boolean runsAt(JobID job, int parallelism) throws Exception {
        JobDetailsInfo details = client.getJobDetails(job).get();
        return details.getJobVertexInfos().stream().allMatch(v -> v.getParallelism() == parallelism
                && v.getTasksPerState().get(ExecutionState.RUNNING) == parallelism);
    }

    /**
     * Runs the job at a parallelism until it has processed some new entries, then stops it while it
     * works through a fresh backlog, so that the savepoint most likely cuts through it: some entries
     * emitted, some read but not emitted (pending), some not read yet.
     */
    private String runAndStopWithSavepoint(int parallelism, @Nullable String savepoint, CollectingSink sink,
            List<String> written, Path savepoints) throws Exception {
        written.addAll(add(500));
        int before = distinctIds().size();
        running = submit(parallelism, savepoint, sink);
        await().atMost(TIMEOUT).until(() -> distinctIds().size() >= before + 100);
        written.addAll(add(1000));
        String path = client.stopWithSavepoint(running, false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        client.requestJobResult(running).get();
        running = null;
        return path;
    }

    private JobID submit(int parallelism, @Nullable String savepoint, CollectingSink sink) throws Exception {
        StreamExecutionEnvironment env = RedisTestJobs.checkpointing(parallelism);
        env.setMaxParallelism(8);
        RedisStreamSource<String> source = RedisStreamSource.<String>builder()
                .setConnection(RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build())
                .setStreams(STREAMS)
                .setGroup(GROUP)
                .setDeserializer(new StreamAndId())
                .setOption(RedisStreamSourceOptions.FETCH_COUNT, 50)
                .setOption(RedisStreamSourceOptions.FETCH_BLOCK, Duration.ofMillis(50))
                .setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(200))
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "redis source").uid("redis-source")
                .keyBy(id -> id)
                .process(new CountPerKey()).uid("count-per-entry")
                .sinkTo(sink).uid("collect");
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return client.submitJob(graph).get();
    }

    private List<String> add(int perStream) {
        return RedisTestStreams.addEntries(redis, STREAMS, perStream);
    }

    private long pending() {
        return RedisTestStreams.pending(redis, GROUP, STREAMS);
    }

    private static Set<String> distinctIds() {
        return SourceTestFunctions.distinctIds("rescale");
    }

    private static Set<String> adaptiveIds() {
        return SourceTestFunctions.distinctIds("adaptive");
    }
}
