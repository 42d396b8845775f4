package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.config.CrawlerConfig;
import io.streamcrawl.job.control.CrawlProgress;
import io.streamcrawl.job.control.TaskKeys;
import io.streamcrawl.job.control.TaskRegistry;
import io.streamcrawl.job.stats.DistinctUrls;
import io.streamcrawl.job.output.CommittedFiles;
import io.streamcrawl.job.output.JwarcValidator;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TestSite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The whole crawl loop on a MiniCluster against a real redis-server, a real etcd and a local
 * generated site: what is fetched, exactly, under task toggles, depth limits, bad entries and a
 * task manager failure, and what the committed output files hold.
 */
class CrawlJobITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(() -> {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "5");
        conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        METRICS.addToConfiguration(conf);
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .build();
    });

    private static final Duration CRAWL_TIMEOUT = Duration.ofSeconds(120);
    private static final String FAST = "\"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}";

    private JobClient job;
    private TestSite site;

    @AfterEach
    void tearDown() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        if (site != null) {
            site.close();
        }
    }

    @Test
    void crawlsEveryPageOfTheSiteExactlyOnce(TestInfo test) throws Exception {
        Crawl crawl = new Crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build());
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(everyPathOnce(site.pagePaths()));
        assertThat(crawl.pageUrls()).hasSize(500).containsExactlyInAnyOrderElementsOf(urls(site.pagePaths()));
        // The schedulers' sketches of distinct URLs are merged into etcd after checkpoints; a union of
        // two sketches of 250 URLs each estimates 500 within 9 in 200 trials: 15 (3%) is a safe bound.
        await().atMost(Duration.ofSeconds(20)).until(() -> crawl.registry.getBytes(crawl.task, TaskKeys.HLL)
                .map(DistinctUrls::estimate).filter(estimate -> Math.abs(estimate - 500) <= 15).isPresent());
    }

    @Test
    void disablingATaskStopsItsFetchesAndEnablingResumesThem(TestInfo test) throws Exception {
        Crawl crawl = new Crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build());
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 20}}");
        await().atMost(CRAWL_TIMEOUT).until(() -> site.totalRequests() >= 100);

        crawl.registry.setEnabled(crawl.task, false);
        long disabledAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofSeconds(2)).until(() -> true);
        int afterDisable = site.totalRequests();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> site.totalRequests() == afterDisable);
        assertThat(site.lastRequestNanos() - disabledAt).isLessThan(Duration.ofSeconds(2).toNanos());
        assertThat(afterDisable).isLessThan(500);

        crawl.registry.setEnabled(crawl.task, true);
        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(everyPathOnce(site.pagePaths()));
        assertThat(crawl.pageUrls()).hasSize(500);
    }

    @Test
    void maxDepthLimitsTheCrawlToThePagesWithinThatDepth(TestInfo test) throws Exception {
        Crawl crawl = new Crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(4).build());
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"maxDepth\": 2, " + FAST + "}");

        crawl.awaitIdle();

        Set<String> withinDepth = site.pagePathsWithinDepth(2);
        assertThat(withinDepth).hasSizeBetween(10, 499);
        assertThat(site.requestCounts()).isEqualTo(everyPathOnce(withinDepth));
        assertThat(crawl.pageUrls()).containsExactlyInAnyOrderElementsOf(urls(withinDepth));
    }

    @Test
    void aPageBudgetSharedBySchedulerSubtasksYieldsExactlyThatManyFetches(TestInfo test) throws Exception {
        // Hosts keyed to different scheduler subtasks at parallelism 2: both reserve from the one budget.
        assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator("127.0.0.1", 128, 2))
                .isNotEqualTo(KeyGroupRangeAssignment.assignKeyToParallelOperator("127.0.0.4", 128, 2));
        Crawl crawl = new Crawl(test, TestSite.builder().pages(300).linksPerPage(10).depth(3).build());
        try (TestSite other = TestSite.builder().address("127.0.0.4").pages(300).linksPerPage(10).depth(3).build().start()) {
            crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\", \"" + other.urlOf(0) + "\"], \"maxPages\": 100, " + FAST + "}");

            crawl.awaitIdle();

            assertThat(site.totalRequests() + other.totalRequests()).isEqualTo(100);
            assertThat(site.totalRequests()).isPositive();
            assertThat(other.totalRequests()).isPositive();
            assertThat(crawl.pageUrls()).hasSize(100).doesNotHaveDuplicates();
            assertThat(crawl.registry.get(crawl.task, TaskKeys.STATUS)).map(TaskRegistry.Value::value)
                    .contains("budget exhausted: 100 pages");
        }
    }

    @Test
    void malformedFrontierEntriesAreSkippedCountedAndAcknowledged(TestInfo test) throws Exception {
        Crawl crawl = new Crawl(test, TestSite.builder().pages(50).linksPerPage(5).depth(2).build());
        String stream = crawl.ns + ":frontier:0";
        try (RedisClient redis = redisClient()) {
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", site.urlOf(1)));
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", "http://exa mple.org/%%%", "task", crawl.task));
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", site.urlOf(2), "task", crawl.task, "depth", "deep"));
        }
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(everyPathOnce(site.pagePaths()));
        assertThat(malformedEntries(crawl.job)).isEqualTo(3);
        try (RedisClient redis = redisClient()) {
            assertThat(redis.xpending(stream, crawl.ns).getTotal()).isZero();
        }
    }

    @Test
    void aTaskManagerFailureInTheMiddleOfACrawlLosesNoPage(TestInfo test, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Crawl crawl = new Crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build());
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 10}}");
        await().atMost(CRAWL_TIMEOUT).until(() -> site.totalRequests() >= 150);

        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        crawl.awaitIdle();

        Map<String, Integer> counts = site.requestCounts();
        assertThat(counts.keySet()).isEqualTo(site.pagePaths());
        int refetched = counts.values().stream().mapToInt(c -> c - 1).sum();
        assertThat(refetched).as("pages fetched twice, bounded by the async capacity").isLessThanOrEqualTo(100);
        assertThat(Set.copyOf(crawl.pageUrls())).isEqualTo(urls(site.pagePaths()));
    }

    @Test
    void outputFilesHoldEveryPageOnceAfterAFailureMidCrawl(
            TestInfo test, @InjectMiniCluster MiniCluster cluster, @TempDir Path output) throws Exception {
        Path jsonl = output.resolve("jsonl");
        Path warc = output.resolve("warc");
        Crawl crawl = new Crawl(test,
                TestSite.builder().pages(500).linksPerPage(20).depth(3).pageBytes(8192).nearDuplicates(10).build(),
                Map.of("output.jsonl.path", jsonl.toUri().toString(), "output.jsonl.text", "true",
                        "output.jsonl.roll-size", "256 kb", "output.jsonl.roll-interval", "1 s",
                        "output.warc.path", warc.toString(), "output.warc.roll-interval", "1 s"));
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 10}}");
        await().atMost(CRAWL_TIMEOUT).until(() -> site.totalRequests() >= 150);

        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        crawl.awaitIdle();
        // A file is committed by the first checkpoint after it rolled (here after 1 s without writes).
        await().atMost(Duration.ofSeconds(60)).until(() -> CommittedFiles.jsonLines(jsonl).size() >= 500
                && CommittedFiles.warcResponses(warc).size() >= 500);

        Set<String> pages = urls(site.pagePaths());
        List<JsonNode> records = CommittedFiles.jsonLines(jsonl);
        assertThat(records).extracting(record -> record.get("url").asText()).containsExactlyInAnyOrderElementsOf(pages);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.get("task").asText()).isEqualTo(crawl.task);
            assertThat(record.get("status").asInt()).isEqualTo(200);
            assertThat(record.get("lang").asText()).isEqualTo("en");
            assertThat(record.get("text").asText()).contains(" Page ");
        });
        List<Path> jsonlFiles = CommittedFiles.committed(jsonl, ".jsonl");
        assertThat(jsonlFiles).hasSizeGreaterThan(2).allSatisfy(file -> {
            assertThat(file.getParent().getFileName().toString()).isEqualTo(crawl.task);
            assertThat(Files.size(file)).as("rolled at 256 kb").isLessThan(256 * 1024 + 64 * 1024);
        });

        Map<String, String> hashes = records.stream()
                .collect(Collectors.toMap(record -> record.get("url").asText(), record -> record.get("content_hash").asText()));
        List<CommittedFiles.ArchivedResponse> responses = CommittedFiles.warcResponses(warc);
        assertThat(responses).extracting(CommittedFiles.ArchivedResponse::targetUri).containsExactlyInAnyOrderElementsOf(pages);
        assertThat(responses).allSatisfy(response -> assertThat(response.payloadDigest()).isEqualTo(hashes.get(response.targetUri())));
        List<Path> warcFiles = CommittedFiles.committed(warc, ".warc.gz");
        int requests = 0;
        for (Path file : warcFiles) {
            List<String> types = CommittedFiles.warcRecordTypes(file);
            assertThat(types.get(0)).isEqualTo("warcinfo");
            assertThat(Collections.frequency(types, "warcinfo")).isEqualTo(1);
            requests += Collections.frequency(types, "request");
        }
        assertThat(requests).isEqualTo(500);
        assertThat(JwarcValidator.validate(warcFiles)).isEqualTo(new JwarcValidator.Verdict(0, ""));

        Map<String, String> nearDuplicates = records.stream().filter(record -> record.has("near_duplicate_of"))
                .collect(Collectors.toMap(record -> record.get("url").asText(), record -> record.get("near_duplicate_of").asText()));
        Map<String, String> expected = new HashMap<>();
        site.nearDuplicatePaths().forEach((copy, original) -> {
            String copyUrl = site.baseUrl() + copy;
            String originalUrl = site.baseUrl() + original;
            // Whichever of the two was parsed second is the near duplicate of the other.
            expected.put(nearDuplicates.containsKey(copyUrl) ? copyUrl : originalUrl,
                    nearDuplicates.containsKey(copyUrl) ? originalUrl : copyUrl);
        });
        assertThat(nearDuplicates).hasSize(10).isEqualTo(expected);
    }

    /** One crawl of the test: its own task, key namespace in Redis and etcd, and job. */
    private final class Crawl {
        final String ns;
        final String task;
        final Configuration config;
        final TaskRegistry registry;
        JobClient job;

        Crawl(TestInfo test, TestSite newSite) {
            this(test, newSite, Map.of());
        }

        /** @param settings configuration for this crawl on top of its namespace */
        Crawl(TestInfo test, TestSite newSite, Map<String, String> settings) {
            site = newSite.start();
            ns = test.getTestMethod().orElseThrow().getName().substring(0, 12);
            task = "task-" + ns;
            Map<String, String> values = new HashMap<>();
            values.put("redis.port", Integer.toString(REDIS.port()));
            values.put("etcd.endpoints", ETCD.endpoint());
            values.put("etcd.prefix", "/" + ns + "/");
            values.put("frontier.stream-prefix", ns + ":frontier:");
            values.put("frontier.group", ns);
            values.put("pages.stream", ns + ":pages");
            values.put("stats.key-prefix", ns + ":stats:");
            values.put("stats.interval", "200 ms");
            values.put("job.checkpoint-interval", "1 s");
            values.put("job.parallelism", "2");
            values.putAll(settings);
            config = CrawlerConfig.of(values);
            registry = new TaskRegistry(ETCD.endpoint(), "/" + ns + "/");
        }

        void start(String spec) throws Exception {
            registry.putSpec(task, spec);
            registry.setEnabled(task, true);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            CrawlerJob.build(env, config);
            job = env.executeAsync(ns);
            CrawlJobITCase.this.job = job;
        }

        void awaitIdle() {
            List<String> streams = IntStream.range(0, 4).mapToObj(i -> ns + ":frontier:" + i).toList();
            try (RedisClient redis = redisClient()) {
                await().atMost(CRAWL_TIMEOUT).pollInterval(Duration.ofMillis(300))
                        .until(() -> CrawlProgress.read(redis, ns + ":stats:" + task, streams, ns).idle()
                                && !site.requestCounts().isEmpty());
                // Idle must hold, not flicker: links may still sit in a sink's buffer for a moment.
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                        .until(() -> CrawlProgress.read(redis, ns + ":stats:" + task, streams, ns).idle());
            }
        }

        List<String> pageUrls() {
            try (RedisClient redis = redisClient()) {
                return redis.xrange(ns + ":pages", (StreamEntryID) null, (StreamEntryID) null).stream()
                        .map(StreamEntry::getFields)
                        .peek(fields -> assertThat(fields).containsEntry("task", task))
                        .map(fields -> fields.get("url"))
                        .toList();
            }
        }
    }

    private static RedisClient redisClient() {
        return RedisClient.create(REDIS.host(), REDIS.port());
    }

    private static Map<String, Integer> everyPathOnce(Set<String> paths) {
        return paths.stream().collect(Collectors.toMap(Function.identity(), p -> 1));
    }

    private Set<String> urls(Set<String> paths) {
        return paths.stream().map(p -> site.baseUrl() + p).collect(Collectors.toSet());
    }

    private static long malformedEntries(JobClient job) {
        String jobId = job.getJobID().toString();
        return METRICS.getMetricsByGroup().entrySet().stream()
                .filter(group -> jobId.equals(group.getKey().getAllVariables().get("<job_id>")))
                .map(group -> group.getValue().get("malformedEntries"))
                .filter(metric -> metric instanceof Counter)
                .mapToLong(metric -> ((Counter) metric).getCount())
                .sum();
    }
}
