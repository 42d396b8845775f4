package io.streamcrawl.job.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.streamcrawl.job.CrawlerJob;
import io.streamcrawl.job.config.CrawlerConfigLoader;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisFenceOptions;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.FaultProxy;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.RedisServerExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
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
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.JedisClusterCRC16;

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
        // A lease that nobody renews: what a job killed with its TaskManager leaves behind.
        fence.reserve(NO_WAIT).close();
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
        // A reservation that stops renewing before a job held the fence: a submitter that died.
        crashed.reserve(NO_WAIT).close();
        assertThatThrownBy(() -> next.reserve(NO_WAIT)).isInstanceOf(JobFence.FenceHeldException.class);

        long start = System.nanoTime();
        next.reserve(Duration.ofSeconds(30));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(owner(next.key()).map(JobFenceITCase::token)).contains(next.token());
    }

    @Test
    void aHashTaggedStreamPrefixGetsAFenceInEachStreamsSlot(TestInfo test) {
        String ns = namespace(test);
        // All shards of the frontier in one slot of a Redis Cluster: a brace in the prefix.
        JobFence fence = JobFence.forNewJob(CrawlerConfigLoader.of(Map.of(
                "redis.port", Integer.toString(REDIS.port()),
                "etcd.endpoints", ETCD.endpoint(),
                "etcd.prefix", "/" + ns + "/",
                "frontier.stream-prefix", "{" + ns + "}:frontier:",
                "frontier.group", ns,
                "fence.lease-ttl", "15 s")));

        try (JobFence.Holder holder = fence.hold("job-a"); UnifiedJedis redis = redis().createClient("test")) {
            assertThat(fence.streams()).hasSize(5).allSatisfy(stream -> {
                String key = fence.streamFence().keyOf(stream);
                assertThat(JedisClusterCRC16.getSlot(key)).as(key).isEqualTo(JedisClusterCRC16.getSlot(stream));
                assertThat(redis.hget(key, "token")).as(key).isEqualTo(fence.token());
            });
        }
    }

    @Test
    void aHeldLeaseIsRenewedBeyondItsTtl(TestInfo test) throws Exception {
        // 3 s, not less: jetcd renews at a third of the TTL, and a loaded machine delays renewals by a second.
        JobFence fence = fence(test, 3);
        fence.reserve(NO_WAIT);
        try (JobFence.Holder holder = fence.hold("job-a")) {
            long lease = holder.lease();
            // Over twice the TTL, the same lease stays the owner's and alive.
            Holds.forAtLeast(Duration.ofSeconds(7), () -> holder.lease() == lease
                    && owner(fence.key()).map(KeyValue::getLease).equals(Optional.of(lease)) && ttl(lease) > 0);
            holder.verify();
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
        // Refused by the etcd fence as it opens, or by the stream fence at its first Redis command.
        assertThat(ExceptionUtils.findThrowableWithMessage(failure, "another job")).isPresent();
        assertThat(heldBy(fence, first)).isTrue();

        // The first job's own restart must not lock it out.
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        await().atMost(Duration.ofSeconds(60)).until(() -> first.getJobStatus().get() == JobStatus.RUNNING
                && heldBy(fence, first));
        first.cancel().get();
        await().atMost(Duration.ofSeconds(30)).until(() -> owner(fence.key()).isEmpty());
    }

    @Test
    void theReservationIsKeptAliveBeyondItsTtlUntilTheJobHoldsTheFence(TestInfo test) throws Exception {
        JobFence fence = fence(test, 1);
        JobFence other = fence(test, 1);
        try (JobFence.Reservation reservation = fence.reserve(NO_WAIT)) {
            long lease = owner(fence.key()).orElseThrow().getLease();
            // A job waiting for slots, or restoring a large state, longer than the lease's TTL.
            Holds.forAtLeast(Duration.ofMillis(3_500), () -> owner(fence.key()).map(KeyValue::getLease).equals(Optional.of(lease)));

            assertThat(owner(fence.key()).map(KeyValue::getLease)).contains(lease);
            assertThat(ttl(lease)).isPositive();
            assertThat(confirmedFor(fence)).isPositive();
            assertThatThrownBy(() -> other.reserve(NO_WAIT)).isInstanceOf(JobFence.FenceHeldException.class);
            try (JobFence.Holder holder = fence.hold("job-a")) {
                assertThat(reservation.awaitHandover()).isTrue();
                assertThat(ttl(lease)).isEqualTo(-1);
                assertThat(owner(fence.key()).map(KeyValue::getLease)).contains(holder.lease());
            }
        }
    }

    @Test
    void aReservationNoJobTakesOverLapsesAfterTheHandoverTimeout(TestInfo test) {
        JobFence fence = fence(test, 1, ETCD.endpoint(), Map.of("fence.handover-timeout", "2 s"));
        long start = System.nanoTime();
        try (JobFence.Reservation reservation = fence.reserve(NO_WAIT)) {
            assertThat(reservation.awaitHandover()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
            await().atMost(Duration.ofSeconds(5)).until(() -> owner(fence.key()).isEmpty() && confirmedFor(fence) < 0);
        }
    }

    @Test
    void aHolderCutOffFromEtcdPastItsTtlTakesTheFenceAgainWhenEtcdAnswers(TestInfo test) {
        try (FaultProxy etcdOfA = FaultProxy.to("127.0.0.1", ETCD.port())) {
            JobFence fence = fence(test, 1, "http://" + etcdOfA.address(), Map.of());
            fence.reserve(NO_WAIT).close();
            try (JobFence.Holder holder = fence.hold("job-a")) {
                long first = holder.lease();
                await().atMost(Duration.ofSeconds(5)).until(() -> confirmedFor(fence) > 0);

                etcdOfA.partition();
                await().atMost(Duration.ofSeconds(5)).until(() -> confirmedFor(fence) < 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> ttl(first) == -1);
                etcdOfA.heal();

                await().atMost(Duration.ofSeconds(30)).until(() -> holder.lease() != first && confirmedFor(fence) > 0);
                holder.verify();
                assertThat(owner(fence.key()).map(KeyValue::getLease)).contains(holder.lease());
            }
        }
    }

    /**
     * Job A loses etcd (partitioned through a proxy) past its lease TTL while it copies a stream;
     * it stops changing the streams by itself when its lease can no longer be confirmed, job B takes
     * the fence and copies every entry, including those A had read but not acknowledged; when A
     * reaches etcd again it learns that it lost the crawl, and its Redis commands are refused: A
     * fails without restarts.
     */
    @Test
    void aJobCutOffFromEtcdStopsByItselfAndTheJobThatTakesOverGetsEveryEntry(TestInfo test) throws Exception {
        String ns = namespace(test);
        String in = ns + ":frontier:0";
        String out = ns + ":pages";
        Map<String, String> streams = Map.of("frontier.shards", "1", "pages.stream", out);
        try (FaultProxy etcdOfA = FaultProxy.to("127.0.0.1", ETCD.port());
                UnifiedJedis redis = redis().createClient("test")) {
            JobFence a = fence(test, 2, "http://" + etcdOfA.address(), streams);
            JobFence b = fence(test, 2, ETCD.endpoint(), streams);
            add(redis, in, 0, 100);
            JobFence.Reservation reservationOfA = a.reserve(NO_WAIT);
            JobFence.Holder holderOfA = a.hold("job-a");
            reservationOfA.close();
            JobClient jobA = copy(a, in, out, ns, "a");
            await().atMost(Duration.ofSeconds(60)).until(() -> copied(redis, out).size() == 100);

            etcdOfA.partition();
            await().atMost(Duration.ofSeconds(10)).until(() -> confirmedFor(a) < 0);
            long lapsedAt = Long.parseLong(redis.hget(a.streamFence().keyOf(in), "until"));
            add(redis, in, 100, 200);
            // A, still running but unable to renew its lease, leaves the new entries alone.
            Holds.eventuallyForAtLeast(Duration.ofMillis(1_500), Duration.ofSeconds(5), () -> copied(redis, out).size() == 100);
            assertThat(copied(redis, out)).isEqualTo(IntStream.range(0, 100).boxed().collect(Collectors.toSet()));
            assertThat(redis.xpending(in, ns).getTotal()).isZero();

            try (JobFence.Reservation reservationOfB = b.reserve(Duration.ofSeconds(30));
                    JobFence.Holder holderOfB = b.hold("job-b")) {
                assertThat(reservationOfB.awaitHandover()).isTrue();
                JobClient jobB = copy(b, in, out, ns, "b");
                etcdOfA.heal();
                add(redis, in, 200, 300);

                Throwable failureOfA = jobA.getJobExecutionResult().handle((r, e) -> e).get(60, TimeUnit.SECONDS);
                assertThat(ExceptionUtils.findThrowableWithMessage(failureOfA, "is held by token " + b.token()))
                        .as(ExceptionUtils.stringifyException(failureOfA)).isPresent();
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThatThrownBy(holderOfA::verify).isInstanceOf(JobFence.FenceHeldException.class));
                await().atMost(Duration.ofSeconds(60)).until(() -> copied(redis, out).size() == 300);
                assertThat(copied(redis, out)).isEqualTo(IntStream.range(0, 300).boxed().collect(Collectors.toSet()));
                assertThat(entriesBy(redis, out, "a")).allSatisfy(id -> assertThat(id.getTime()).isLessThanOrEqualTo(lapsedAt));
                await().atMost(Duration.ofSeconds(30)).until(() -> redis.xlen(in) == 0 && redis.xpending(in, ns).getTotal() == 0);
                jobB.cancel().get();
            } finally {
                holderOfA.close();
            }
        }
    }

    /** A job that copies {@code in} to {@code out} under {@code fence}, each entry marked with {@code by}. */
    private static JobClient copy(JobFence fence, String in, String out, String group, String by) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        env.fromSource(RedisStreamSource.<Map<String, String>>builder()
                                .setConnection(redis())
                                .setStreams(List.of(in))
                                .setGroup(group)
                                .setDeserializer(RedisStreamDeserializer.fieldMap())
                                .setOption(RedisStreamSourceOptions.FETCH_BLOCK, Duration.ofMillis(100))
                                .setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(500))
                                .setOption(RedisFenceOptions.KEY, fence.streamFence().key())
                                .setOption(RedisFenceOptions.TOKEN, fence.streamFence().token())
                                .build(),
                        WatermarkStrategy.noWatermarks(), "in")
                .map(fields -> Map.of("i", fields.get("i"), "by", by))
                .returns(Types.MAP(Types.STRING, Types.STRING))
                .sinkTo(RedisStreamSink.<Map<String, String>>builder()
                        .setConnection(redis())
                        .setSerializer(fields -> new RedisStreamEntry(out, fields))
                        .setOption(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(500))
                        .setOption(RedisFenceOptions.KEY, fence.streamFence().key())
                        .setOption(RedisFenceOptions.TOKEN, fence.streamFence().token())
                        .build());
        return env.executeAsync("copy by " + by);
    }

    private static void add(UnifiedJedis redis, String stream, int from, int to) {
        for (int i = from; i < to; i++) {
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("i", Integer.toString(i)));
        }
    }

    private static Set<Integer> copied(UnifiedJedis redis, String out) {
        return redis.xrange(out, "-", "+").stream().map(e -> Integer.parseInt(e.getFields().get("i")))
                .collect(Collectors.toSet());
    }

    private static List<StreamEntryID> entriesBy(UnifiedJedis redis, String out, String by) {
        return redis.xrange(out, "-", "+").stream().filter(e -> by.equals(e.getFields().get("by")))
                .map(StreamEntry::getID).toList();
    }

    /** How many ms the stream fence of the fence's first stream stays confirmed for its token; negative once lapsed. */
    private static long confirmedFor(JobFence fence) {
        try (UnifiedJedis redis = redis().createClient("test")) {
            String key = fence.streamFence().keyOf(fence.streams().get(0));
            List<String> fields = redis.hmget(key, "token", "until");
            long now = (Long) redis.eval("local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000)");
            return fence.token().equals(fields.get(0)) ? Long.parseLong(fields.get(1)) - now : -1;
        }
    }

    private static RedisConnectionConfig redis() {
        return RedisConnectionConfig.builder().host("127.0.0.1").port(REDIS.port()).build();
    }

    private static JobClient submit(Configuration config, JobFence fence, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CrawlerJob.build(env, config, fence);
        return env.executeAsync(name);
    }

    /** The job's fence is in etcd under its own Flink job id. */
    private static boolean heldBy(JobFence fence, JobClient job) {
        return owner(fence.key()).map(kv -> kv.getValue().toString(StandardCharsets.UTF_8))
                .filter(v -> v.contains("holder=flink-job-" + job.getJobID()) && FenceOwnerRecord.tokenOf(v).equals(fence.token()))
                .isPresent();
    }

    private static Configuration jobConfig(TestInfo test) {
        String ns = namespace(test);
        return CrawlerConfigLoader.of(Map.of(
                "redis.port", Integer.toString(REDIS.port()),
                "etcd.endpoints", ETCD.endpoint(),
                "etcd.prefix", "/" + ns + "/",
                "frontier.stream-prefix", ns + ":frontier:",
                "frontier.group", ns,
                "job.checkpoint-interval", "1 s",
                "job.parallelism", "1"));
    }

    private static JobFence fence(TestInfo test, int ttlSeconds) {
        return fence(test, ttlSeconds, ETCD.endpoint(), Map.of());
    }

    private static JobFence fence(TestInfo test, int ttlSeconds, String etcdEndpoint, Map<String, String> more) {
        Map<String, String> options = new HashMap<>(more);
        options.putAll(Map.of(
                "redis.port", Integer.toString(REDIS.port()),
                "etcd.endpoints", etcdEndpoint,
                "etcd.prefix", "/" + namespace(test) + "/",
                "frontier.stream-prefix", namespace(test) + ":frontier:",
                "frontier.group", namespace(test),
                "fence.lease-ttl", ttlSeconds + " s"));
        return JobFence.forNewJob(CrawlerConfigLoader.of(options));
    }

    private static String namespace(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }

    private static String token(KeyValue kv) {
        return FenceOwnerRecord.tokenOf(kv.getValue().toString(StandardCharsets.UTF_8));
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
