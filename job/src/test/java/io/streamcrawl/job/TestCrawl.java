package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.cli.CrawlProgress;
import io.streamcrawl.job.config.CrawlerConfigLoader;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.RedisClusterExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TestSite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.TestInfo;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One crawl of a pipeline test: its own task, key namespace in Redis and etcd, and job on the
 * test class's MiniCluster, crawling a {@link TestSite}. Closing it cancels the job and stops the site.
 */
final class TestCrawl implements AutoCloseable {
    /**
     * The longest a crawl test waits for its crawl: generous, because a crawl of a site with
     * failing URLs (MessySiteITCase) or a failure mid-crawl takes about a minute alone and twice
     * that on a loaded machine; a passing test never waits for it.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestSite site;
    final String ns;
    final String task;
    final Configuration config;
    final TaskRegistry registry;
    private final Supplier<UnifiedJedis> redis;
    JobClient job;

    /** A crawl of {@code site} (started here) with the test configuration plus {@code overrides}. */
    TestCrawl(TestInfo test, RedisServerExtension redis, EtcdServerExtension etcd, TestSite site,
            Map<String, String> overrides) {
        this(namespaceOf(test), redis, etcd, site, overrides);
    }

    /** A crawl in the namespace {@code ns} (its keys, streams and task name derive from it). */
    TestCrawl(String ns, RedisServerExtension redis, EtcdServerExtension etcd, TestSite site,
            Map<String, String> overrides) {
        this(ns, Map.of("redis.port", Integer.toString(redis.port())),
                () -> RedisClient.create(redis.host(), redis.port()), etcd, site, overrides);
    }

    /** A crawl whose frontier, pages stream and stats are on a Redis Cluster ({@code redis.cluster-nodes}). */
    TestCrawl(TestInfo test, RedisClusterExtension redis, EtcdServerExtension etcd, TestSite site,
            Map<String, String> overrides) {
        this(namespaceOf(test), Map.of("redis.cluster-nodes", String.join(",", redis.nodes())),
                () -> RedisClusterClient.create(Set.of(new HostAndPort(redis.host(), redis.port(0)))), etcd, site,
                overrides);
    }

    private TestCrawl(String ns, Map<String, String> redisValues, Supplier<UnifiedJedis> redis,
            EtcdServerExtension etcd, TestSite site, Map<String, String> overrides) {
        this.site = site.start();
        this.redis = redis;
        this.ns = ns;
        task = "task-" + ns;
        Map<String, String> values = new HashMap<>(redisValues);
        values.put("etcd.endpoints", etcd.endpoint());
        values.put("etcd.prefix", "/" + ns + "/");
        values.put("frontier.stream-prefix", ns + ":frontier:");
        values.put("frontier.group", ns);
        values.put("pages.stream", ns + ":pages");
        values.put("stats.key-prefix", ns + ":stats:");
        values.put("stats.interval", "200 ms");
        values.put("job.checkpoint-interval", "1 s");
        values.put("job.parallelism", "2");
        values.putAll(overrides);
        config = CrawlerConfigLoader.of(values);
        registry = new TaskRegistry(new ControlPlane(etcd.endpoint(), "/" + ns + "/"));
    }

    TestCrawl(TestInfo test, RedisServerExtension redis, EtcdServerExtension etcd, TestSite site) {
        this(test, redis, etcd, site, Map.of());
    }

    private static String namespaceOf(TestInfo test) {
        String method = test.getTestMethod().orElseThrow().getName();
        return method.substring(0, Math.min(12, method.length()));
    }

    /**
     * Puts and enables the task's spec and submits the job, which seeds the spec's seeds (see
     * {@link #putTask}).
     */
    void start(String spec) throws Exception {
        putTask(task, spec);
        submit(new Configuration());
    }

    /** Submits the job restored from {@code savepoint}; the task's keys must be in etcd already. */
    void restore(String savepoint) throws Exception {
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        submit(restore);
    }

    private void submit(Configuration execution) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(execution);
        CrawlerJob.build(env, config);
        job = env.executeAsync(ns);
    }

    /**
     * Puts and enables a task's spec, in this crawl's namespace. The test site is on loopback, so a
     * spec that says nothing of private addresses gets what scripts/crawl.sh gives a seed on its
     * command line: {@code "scope": {"allowPrivateHosts": ["127.0.0.1"]}}.
     */
    void putTask(String name, String spec) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(spec);
        ObjectNode scope = json.has("scope") ? (ObjectNode) json.get("scope") : json.putObject("scope");
        if (!scope.has("allowPrivate") && !scope.has("allowPrivateHosts")) {
            scope.putArray("allowPrivateHosts").add("127.0.0.1");
        }
        registry.putSpec(name, JSON.writeValueAsString(json));
        registry.setEnabled(name, true);
    }

    /** Waits until the task has nothing queued, in flight or unread, and stays so. */
    void awaitIdle() {
        awaitIdle(task);
    }

    /** Waits until a task of this crawl has nothing queued, in flight or unread, and stays so. */
    void awaitIdle(String name) {
        // Asserted, not a boolean: a timeout then says what was left (queued, in flight, unread, pending).
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            assertThat(site.totalRequests()).as("requests to the site").isPositive();
            assertThat(progress(name)).as("progress of task %s, site requests %d", name, site.totalRequests())
                    .matches(CrawlProgress::idle, "idle");
        });
        // Idle must hold, not flicker: links may still sit in a sink's buffer for a moment.
        Holds.eventuallyForAtLeast(Duration.ofSeconds(2), Duration.ofSeconds(30), () -> progress(name).idle());
        // idle() forgives in flight below zero; a test does not: each release is finished once.
        assertThat(progress(name).inFlight()).as("in flight of task %s (below zero: a fetch finished twice)", name).isZero();
    }

    /** A task's progress as the job publishes it, with the frontier's backlog. */
    CrawlProgress progress(String name) {
        List<String> streams = IntStream.range(0, 4).mapToObj(i -> ns + ":frontier:" + i).toList();
        try (UnifiedJedis client = redisClient()) {
            return CrawlProgress.read(client, ns + ":stats:" + name, streams, ns);
        }
    }

    /** The page stream's records, in order. */
    List<Map<String, String>> pages() {
        try (UnifiedJedis client = redisClient()) {
            return client.xrange(ns + ":pages", (StreamEntryID) null, (StreamEntryID) null).stream()
                    .map(StreamEntry::getFields)
                    .peek(fields -> assertThat(fields).containsEntry("task", task))
                    .toList();
        }
    }

    /** The URLs of the page stream's records. */
    List<String> pageUrls() {
        return pages().stream().map(fields -> fields.get("url")).toList();
    }

    /** The URLs of the page stream's records of one task, when the crawl has several. */
    List<String> pageUrls(String name) {
        try (UnifiedJedis client = redisClient()) {
            return client.xrange(ns + ":pages", (StreamEntryID) null, (StreamEntryID) null).stream()
                    .map(StreamEntry::getFields)
                    .filter(fields -> name.equals(fields.get("task")))
                    .map(fields -> fields.get("url"))
                    .toList();
        }
    }

    UnifiedJedis redisClient() {
        return redis.get();
    }

    /** The site's URLs of {@code paths}. */
    Set<String> urls(Set<String> paths) {
        return paths.stream().map(p -> site.baseUrl() + p).collect(Collectors.toSet());
    }

    /** The site's requests for pages (robots.txt aside), by path. */
    Map<String, Integer> pageRequests() {
        return site.requestCounts().entrySet().stream().filter(count -> !count.getKey().equals("/robots.txt"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    static Map<String, Integer> everyPathOnce(Set<String> paths) {
        return paths.stream().collect(Collectors.toMap(Function.identity(), p -> 1));
    }

    /** The MiniCluster of a pipeline test class, reporting metrics to {@code metrics}. */
    static MiniClusterExtension miniCluster(InMemoryReporter metrics) {
        return new MiniClusterExtension(() -> {
            Configuration conf = new Configuration();
            conf.setString("state.backend.type", "rocksdb");
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", "5");
            conf.setString("restart-strategy.fixed-delay.delay", "1 s");
            metrics.addToConfiguration(conf);
            return new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(conf)
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(4)
                    .build();
        });
    }

    /** The sum over subtasks of a counter of a job's operators, as an in-memory reporter holds it. */
    static long counter(InMemoryReporter metrics, JobClient job, String name) {
        return metrics(metrics, job, name).filter(metric -> metric instanceof Counter)
                .mapToLong(metric -> ((Counter) metric).getCount())
                .sum();
    }

    /** The sum over subtasks of a numeric gauge of a job's operators. */
    static long gauge(InMemoryReporter metrics, JobClient job, String name) {
        return metrics(metrics, job, name).filter(metric -> metric instanceof Gauge)
                .mapToLong(metric -> ((Number) ((Gauge<?>) metric).getValue()).longValue())
                .sum();
    }

    private static Stream<Metric> metrics(InMemoryReporter metrics, JobClient job, String name) {
        String jobId = job.getJobID().toString();
        return metrics.getMetricsByGroup().entrySet().stream()
                .filter(group -> jobId.equals(group.getKey().getAllVariables().get("<job_id>")))
                .map(group -> group.getValue().get(name))
                .filter(Objects::nonNull);
    }

    @Override
    public void close() throws Exception {
        try {
            if (job != null) {
                job.cancel().get();
            }
        } finally {
            registry.close();
            site.close();
        }
    }
}
