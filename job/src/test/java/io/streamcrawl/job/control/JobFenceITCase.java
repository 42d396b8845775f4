package io.streamcrawl.job.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.streamcrawl.job.CrawlerJob;
import io.streamcrawl.job.config.CrawlerConfig;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One live job per crawl namespace, against a real etcd: the fence protocol, then whole jobs on a MiniCluster. */
class JobFenceITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(() -> {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "fixed-delay");
        // Unlimited in effect: a refused job must fail by itself, not by running out of restarts.
        conf.setString("restart-strategy.fixed-delay.attempts", "1000");
        conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .build();
    });

    private static final Duration NO_WAIT = Duration.ZERO;
    private static Client etcd;

    @BeforeAll
    static void connect() {
        etcd = Client.builder().endpoints(ETCD.endpoint()).build();
    }

    @AfterAll
    static void disconnect() {
        etcd.close();
    }

    @Test
    void aSecondJobIsRefusedWithAMessageNamingTheHolder(TestInfo test) {
        JobFence first = fence(test, 15);
        JobFence second = fence(test, 15);
        first.reserve(NO_WAIT);

        try (JobFence.Holder holder = first.hold("job-a")) {
            assertThatThrownBy(() -> second.reserve(NO_WAIT))
                    .isInstanceOf(JobFence.FenceHeldException.class)
                    .hasMessageContaining("crawl namespace " + first.key() + " is held by another job")
                    .hasMessageContaining("holder=flink-job-job-a")
                    .hasMessageContaining("lease " + Long.toHexString(holder.lease()));
            assertThatThrownBy(() -> second.hold("job-b")).isInstanceOf(JobFence.FenceHeldException.class);
            assertThat(owner(first.key()).map(KeyValue::getLease)).contains(holder.lease());
        }
    }

    @Test
    void closingReleasesTheFenceAtOnce(TestInfo test) {
        JobFence first = fence(test, 60);
        JobFence second = fence(test, 60);
        first.reserve(NO_WAIT);
        first.hold("job-a").close();

        assertThat(owner(first.key())).isEmpty();
        second.reserve(NO_WAIT);
        assertThat(owner(first.key()).map(JobFenceITCase::token)).contains(second.token());
    }

    @Test
    void aRestartedJobTakesItsFenceBackWhileItsOldLeaseIsStillAlive(TestInfo test) throws Exception {
        JobFence fence = fence(test, 60);
        // reserve() leaves a lease that nobody renews: what a job killed with its TaskManager leaves behind.
        fence.reserve(NO_WAIT);
        long abandoned = owner(fence.key()).orElseThrow().getLease();

        try (JobFence.Holder restarted = fence.hold("job-a")) {
            assertThat(restarted.lease()).isNotEqualTo(abandoned);
            assertThat(owner(fence.key()).map(KeyValue::getLease)).contains(restarted.lease());
            await().atMost(Duration.ofSeconds(10)).until(() -> ttl(abandoned) == -1);
        }
    }

    @Test
    void theLeaseOfACrashedJobExpiresAndAWaitingSubmissionThenGetsTheFence(TestInfo test) {
        JobFence crashed = fence(test, 2);
        JobFence next = fence(test, 2);
        crashed.reserve(NO_WAIT);
        assertThatThrownBy(() -> next.reserve(NO_WAIT)).isInstanceOf(JobFence.FenceHeldException.class);

        long start = System.nanoTime();
        next.reserve(Duration.ofSeconds(30));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(owner(next.key()).map(JobFenceITCase::token)).contains(next.token());
    }

    @Test
    void aHeldLeaseIsRenewedBeyondItsTtl(TestInfo test) throws Exception {
        JobFence fence = fence(test, 2);
        fence.reserve(NO_WAIT);
        try (JobFence.Holder holder = fence.hold("job-a")) {
            Thread.sleep(5_000);
            holder.verify();
            assertThat(owner(fence.key()).map(KeyValue::getLease)).contains(holder.lease());
            assertThat(ttl(holder.lease())).isPositive();
        }
    }

    @Test
    void aSecondJobOnTheSameNamespaceFailsWithoutRestartsAndTheFirstSurvivesAFailover(
            TestInfo test, @InjectMiniCluster MiniCluster cluster) throws Exception {
        Configuration config = jobConfig(test);
        JobFence fence = JobFence.forNewJob(config);
        fence.reserve(NO_WAIT);
        JobClient first = submit(config, fence, "first");
        await().atMost(Duration.ofSeconds(60)).until(() -> heldBy(fence, first));

        JobClient second = submit(config, JobFence.forNewJob(config), "second");
        Throwable failure = second.getJobExecutionResult().handle((result, error) -> error).get(60, TimeUnit.SECONDS);
        assertThat(ExceptionUtils.findThrowableWithMessage(failure, "is held by another job")).isPresent();
        assertThat(heldBy(fence, first)).isTrue();

        // The first job's own restart must not lock it out.
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        await().atMost(Duration.ofSeconds(60)).until(() -> first.getJobStatus().get() == JobStatus.RUNNING
                && heldBy(fence, first));
        first.cancel().get();
        await().atMost(Duration.ofSeconds(30)).until(() -> owner(fence.key()).isEmpty());
    }

    private static JobClient submit(Configuration config, JobFence fence, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CrawlerJob.build(env, config, fence);
        return env.executeAsync(name);
    }

    /** The job's fence is in etcd under its own Flink job id. */
    private static boolean heldBy(JobFence fence, JobClient job) {
        return owner(fence.key()).map(kv -> kv.getValue().toString(StandardCharsets.UTF_8))
                .filter(v -> v.contains("holder=flink-job-" + job.getJobID()) && JobFence.tokenOf(v).equals(fence.token()))
                .isPresent();
    }

    private static Configuration jobConfig(TestInfo test) {
        String ns = namespace(test);
        return CrawlerConfig.of(Map.of(
                "redis.port", Integer.toString(REDIS.port()),
                "etcd.endpoints", ETCD.endpoint(),
                "etcd.prefix", "/" + ns + "/",
                "frontier.stream-prefix", ns + ":frontier:",
                "frontier.group", ns,
                "job.checkpoint-interval", "1 s",
                "job.parallelism", "1"));
    }

    private static JobFence fence(TestInfo test, int ttlSeconds) {
        return JobFence.forNewJob(CrawlerConfig.of(Map.of(
                "etcd.endpoints", ETCD.endpoint(),
                "etcd.prefix", "/" + namespace(test) + "/",
                "fence.lease-ttl", ttlSeconds + " s")));
    }

    private static String namespace(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }

    private static String token(KeyValue kv) {
        return JobFence.tokenOf(kv.getValue().toString(StandardCharsets.UTF_8));
    }

    private static Optional<KeyValue> owner(String key) {
        List<KeyValue> kvs = get(etcd.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8))).getKvs();
        return kvs.stream().findFirst();
    }

    /** Remaining TTL of a lease in seconds, -1 once it is gone. */
    private static long ttl(long lease) {
        return get(etcd.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)).getTTL();
    }

    private static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
