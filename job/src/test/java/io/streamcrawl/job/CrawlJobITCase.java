package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.cli.CrawlReport;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.job.output.CommittedFiles;
import io.streamcrawl.job.output.JwarcValidator;
import io.streamcrawl.job.stats.DistinctUrls;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcRevisit;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole crawl loop on a MiniCluster against a real redis-server, a real etcd and a local
 * generated site: what is fetched, exactly, under task toggles, depth limits, page budgets, bad
 * entries and a task manager failure, and what the output files hold.
 */
class CrawlJobITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final String FAST = "\"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}";

    @AutoClose private TestCrawl crawl;

    private TestCrawl crawl(TestInfo test, TestSite site) {
        return crawl(test, site, Map.of());
    }

    private TestCrawl crawl(TestInfo test, TestSite site, Map<String, String> overrides) {
        crawl = new TestCrawl(test, REDIS, ETCD, site, overrides);
        return crawl;
    }

    @Test
    void crawlsEveryPageOfTheSiteExactlyOnce(TestInfo test) throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build());
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        assertThat(crawl.site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(crawl.site.pagePaths())));
        assertThat(crawl.pageUrls()).hasSize(500).containsExactlyInAnyOrderElementsOf(crawl.urls(crawl.site.pagePaths()));
        // The schedulers' sketches of distinct URLs are merged into etcd after checkpoints; a union of
        // two sketches of 250 URLs each estimates 500 within 9 in 200 trials: 15 (3%) is a safe bound.
        await().atMost(Duration.ofSeconds(20)).until(() -> crawl.registry.getBytes(crawl.task, TaskKeys.HLL)
                .map(DistinctUrls::estimate).filter(estimate -> Math.abs(estimate - 500) <= 15).isPresent());
    }

    @Test
    void withoutNearDuplicatesThePagesReadWithoutATreeFindEveryPageExactlyOnce(TestInfo test) throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build(),
                Map.of("near-duplicates.enabled", "false"));
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        assertThat(crawl.site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(crawl.site.pagePaths())));
        assertThat(crawl.pageUrls()).hasSize(500).containsExactlyInAnyOrderElementsOf(crawl.urls(crawl.site.pagePaths()));
    }

    @Test
    void disablingATaskStopsItsFetchesAndEnablingResumesThem(TestInfo test) throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build());
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 20}}");
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.site.totalRequests() >= 100);

        crawl.registry.setEnabled(crawl.task, false);
        long disabledAt = System.nanoTime();
        // The fetches in flight at the pause finish; then no request comes for 3 s.
        Holds.eventuallyForAtLeast(Duration.ofSeconds(3), Duration.ofSeconds(10), Holds.unchanged(crawl.site::totalRequests));
        int afterDisable = crawl.site.totalRequests();
        assertThat(crawl.site.lastRequestNanos() - disabledAt).isLessThan(Duration.ofSeconds(2).toNanos());
        assertThat(afterDisable).isLessThan(500);

        crawl.registry.setEnabled(crawl.task, true);
        crawl.awaitIdle();

        assertThat(crawl.site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(crawl.site.pagePaths())));
        assertThat(crawl.pageUrls()).hasSize(500);
    }

    @Test
    void maxDepthLimitsTheCrawlToThePagesWithinThatDepth(TestInfo test) throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(4).build());
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"maxDepth\": 2, " + FAST + "}");

        crawl.awaitIdle();

        Set<String> withinDepth = crawl.site.pagePathsWithinDepth(2);
        assertThat(withinDepth).hasSizeBetween(10, 499);
        assertThat(crawl.site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(withinDepth)));
        assertThat(crawl.pageUrls()).containsExactlyInAnyOrderElementsOf(crawl.urls(withinDepth));
    }

    @Test
    void aPageBudgetSharedBySchedulerSubtasksYieldsExactlyThatManyFetches(TestInfo test) throws Exception {
        // Hosts keyed to different scheduler subtasks at parallelism 2: both reserve from the one budget.
        assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator("127.0.0.1", 128, 2))
                .isNotEqualTo(KeyGroupRangeAssignment.assignKeyToParallelOperator("127.0.0.4", 128, 2));
        TestCrawl crawl = crawl(test, TestSite.builder().pages(300).linksPerPage(10).depth(3).build());
        try (TestSite other = TestSite.builder().address("127.0.0.4").pages(300).linksPerPage(10).depth(3).build().start()) {
            crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\", \"" + other.urlOf(0) + "\"], \"maxPages\": 100, "
                    + "\"scope\": {\"allowPrivateHosts\": [\"127.0.0.1\", \"127.0.0.4\"]}, " + FAST + "}");

            crawl.awaitIdle();

            assertThat(pageRequests(crawl.site) + pageRequests(other)).isEqualTo(100);
            assertThat(pageRequests(crawl.site)).isPositive();
            assertThat(pageRequests(other)).isPositive();
            assertThat(crawl.pageUrls()).hasSize(100).doesNotHaveDuplicates();
            assertThat(crawl.registry.get(crawl.task, TaskKeys.STATUS)).map(TaskRegistry.Value::value)
                    .contains("budget exhausted: 100 pages");
        }
    }

    @Test
    void anEtcdOutageMidCrawlKeepsTheBudgetedUrlsQueuedWithoutAFailoverAndTheBudgetExact(
            TestInfo test, @InjectMiniCluster MiniCluster cluster) throws Exception {
        // Small chunks: the scheduler runs out of granted pages while etcd is down.
        TestCrawl crawl = crawl(test, TestSite.builder().pages(300).linksPerPage(10).depth(3).build(),
                Map.of("scheduler.budget-chunk", "10"));
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"maxPages\": 120, "
                + "\"politeness\": {\"delayMs\": 50, \"maxInFlightPerHost\": 1}}");
        await().atMost(TestCrawl.TIMEOUT).until(() -> pageRequests(crawl.site) >= 30);

        ETCD.stop();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> TestCrawl.counter(METRICS, crawl.job, "crawler_budget_unavailable_total") > 0);
            assertThat(pageRequests(crawl.site)).as("no page released beyond the grants at hand").isLessThan(120);
        } finally {
            ETCD.start();
        }
        crawl.awaitIdle();

        assertThat(pageRequests(crawl.site)).isEqualTo(120);
        assertThat(crawl.pageUrls()).hasSize(120).doesNotHaveDuplicates();
        assertThat(crawl.registry.get(crawl.task, TaskKeys.STATUS)).map(TaskRegistry.Value::value)
                .contains("budget exhausted: 120 pages");
        AccessExecutionGraph graph = cluster.getExecutionGraph(crawl.job.getJobID()).get();
        assertThat(graph.getState()).isEqualTo(JobStatus.RUNNING);
        assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).as("the job never failed over").isZero();
    }

    /** Requests of a site other than for its robots.txt. */
    private static int pageRequests(TestSite site) {
        return site.totalRequests() - site.requestCount("/robots.txt");
    }

    @Test
    void malformedFrontierEntriesAreSkippedCountedAndAcknowledged(TestInfo test) throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(50).linksPerPage(5).depth(2).build());
        String stream = crawl.ns + ":frontier:0";
        try (UnifiedJedis redis = crawl.redisClient()) {
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", crawl.site.urlOf(1)));
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", "http://exa mple.org/%%%", "task", crawl.task));
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", crawl.site.urlOf(2), "task", crawl.task, "depth", "deep"));
        }
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        assertThat(crawl.site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(crawl.site.pagePaths())));
        assertThat(TestCrawl.counter(METRICS, crawl.job, "malformedEntries")).isEqualTo(3);
        try (UnifiedJedis redis = crawl.redisClient()) {
            assertThat(redis.xpending(stream, crawl.ns).getTotal()).isZero();
        }
    }

    @Test
    void aTaskManagerFailureInTheMiddleOfACrawlLosesNoPage(TestInfo test, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build());
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 10}}");
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.site.totalRequests() >= 150);

        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        crawl.awaitIdle();

        Map<String, Integer> counts = crawl.site.requestCounts();
        assertThat(counts.keySet()).isEqualTo(RobotsITCase.withRobots(crawl.site.pagePaths()));
        int refetched = counts.values().stream().mapToInt(c -> c - 1).sum();
        assertThat(refetched).as("pages fetched twice, bounded by the async capacity").isLessThanOrEqualTo(100);
        assertThat(Set.copyOf(crawl.pageUrls())).isEqualTo(crawl.urls(crawl.site.pagePaths()));
    }

    @Test
    void aTaskWithARecrawlIntervalFetchesEveryPageAgainAfterItAskingWhetherItChanged(TestInfo test, @TempDir Path output)
            throws Exception {
        TestSite site = TestSite.builder().pages(12).linksPerPage(4).depth(2).validators().build();
        // Without validators and always the same: a recrawl gets the same payload again.
        site.route("/same", exchange -> Responses.send(exchange, 200, "text/html", "<title>same</title>"));
        site.link(1, "/same");
        Set<String> paths = new HashSet<>(site.pagePaths());
        paths.add("/same");
        Path warc = output.resolve("warc");
        // The interval counts from a URL's release; the fetcher may hold a release up to its host-queue-wait.
        TestCrawl crawl = crawl(test, site, Map.of("scheduler.recrawl-scan", "500 ms", "fetch.host-queue-wait", "200 ms",
                "output.warc.path", warc.toString(), "output.warc.roll-interval", "1 s"));
        // The page budget ends the recrawls after one: every URL is fetched exactly twice, as an unchanged
        // page's third fetch comes twice the interval after its second, long after every page's second.
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"recrawlAfter\": \"PT6S\", \"recrawlMax\": \"PT1M\", "
                + "\"maxPages\": " + 2 * paths.size() + ", " + FAST + "}");
        int changed = 5;
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.pageUrls().contains(site.urlOf(changed)));
        site.change(changed);

        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.pages().size() == 2 * paths.size());

        Map<String, Integer> twice = paths.stream().collect(Collectors.toMap(path -> path, path -> 2));
        twice.put("/robots.txt", 1); // kept for a day
        assertThat(site.requestCounts()).isEqualTo(twice);
        int withValidators = site.pagePaths().size();
        assertThat(site.conditionalRequests()).as("every recrawl of a page with validators").isEqualTo(withValidators);
        assertThat(site.notModifiedAnswers()).as("all but the changed page").isEqualTo(withValidators - 1);
        List<Map<String, String>> records = crawl.pages();
        assertThat(records).filteredOn(record -> record.containsKey("not_modified"))
                .hasSize(withValidators - 1).allSatisfy(record -> assertThat(record)
                        .containsEntry("status", "304").containsEntry("not_modified", "true").doesNotContainKey("content_hash"));
        assertThat(records).filteredOn(record -> record.containsKey("identical_payload"))
                .extracting(record -> record.get("url")).containsExactly(site.baseUrl() + "/same");
        assertThat(records).filteredOn(record -> record.get("url").equals(site.urlOf(changed)))
                .extracting(record -> record.get("content_hash")).doesNotHaveDuplicates().hasSize(2);
        Map<String, List<Long>> arrivals = site.arrivals().stream().collect(Collectors.groupingBy(
                TestSite.Arrival::path, Collectors.mapping(TestSite.Arrival::nanos, Collectors.toList())));
        assertThat(paths).allSatisfy(path -> assertThat(arrivals.get(path).get(1) - arrivals.get(path).get(0))
                .isGreaterThanOrEqualTo(Duration.ofMillis(6000 - 200 - 100).toNanos()));

        // A file is committed by the first checkpoint after it rolled; robots.txt is archived too.
        await().atMost(Duration.ofSeconds(60)).until(() -> CommittedFiles.warcResponses(warc).size()
                + CommittedFiles.warcRevisits(warc).size() == 2 * paths.size() + 1);
        assertThat(CommittedFiles.warcResponses(warc)).as("robots.txt, the first captures and the changed page's second")
                .hasSize(paths.size() + 2);
        assertThat(CommittedFiles.warcRevisits(warc)).extracting(CommittedFiles.ArchivedRevisit::profile)
                .containsOnly(WarcRevisit.SERVER_NOT_MODIFIED_1_1, WarcRevisit.IDENTICAL_PAYLOAD_DIGEST_1_1)
                .filteredOn(WarcRevisit.IDENTICAL_PAYLOAD_DIGEST_1_1::equals).hasSize(1);
        assertThat(CommittedFiles.warcRevisits(warc)).allSatisfy(revisit -> assertThat(revisit.refersToTargetUri())
                .hasToString(revisit.targetUri()));
        // The page counters publish after each checkpoint.
        await().atMost(Duration.ofSeconds(30)).until(() -> report(crawl).fetches() == 2 * paths.size());
        CrawlReport report = report(crawl);
        assertThat(List.of(report.novel(), report.notModified(), report.identicalPayload()))
                .containsExactly((long) paths.size() + 1, (long) withValidators - 1, 1L);
    }

    private static CrawlReport report(TestCrawl crawl) {
        try (UnifiedJedis redis = crawl.redisClient()) {
            return CrawlReport.read(redis, crawl.ns + ":stats:", crawl.task, System.currentTimeMillis());
        }
    }

    @Test
    void outputFilesHoldEveryPageOnceAfterAFailureMidCrawl(
            TestInfo test, @InjectMiniCluster MiniCluster cluster, @TempDir Path output) throws Exception {
        Path jsonl = output.resolve("jsonl");
        Path warc = output.resolve("warc");
        TestCrawl crawl = crawl(test,
                TestSite.builder().pages(500).linksPerPage(20).depth(3).pageBytes(8192).nearDuplicates(10).build(),
                Map.of("output.jsonl.path", jsonl.toUri().toString(), "output.jsonl.text", "true",
                        "output.jsonl.roll-size", "256 kb", "output.jsonl.roll-interval", "1 s",
                        "output.warc.path", warc.toString(), "output.warc.roll-interval", "1 s"));
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 10}}");
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.site.totalRequests() >= 150);

        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        crawl.awaitIdle();
        // A file is committed by the first checkpoint after it rolled (here after 1 s without writes).
        // Its CDXJ index is written just after a WARC file is committed.
        await().atMost(Duration.ofSeconds(60)).until(() -> CommittedFiles.jsonLines(jsonl).size() >= 500
                && CommittedFiles.warcResponses(warc).size() >= 500
                && CommittedFiles.committed(warc, ".cdxj").size() == CommittedFiles.committed(warc, ".warc.gz").size());

        Set<String> pages = crawl.urls(crawl.site.pagePaths());
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
        // The robots.txt exchange is archived too, as crawlers' WARCs hold it (it is fetched again if a
        // failure came before its answer was checkpointed).
        String robotsTxt = crawl.site.baseUrl() + "/robots.txt";
        List<CommittedFiles.ArchivedResponse> allResponses = CommittedFiles.warcResponses(warc);
        List<CommittedFiles.ArchivedResponse> responses = allResponses.stream()
                .filter(response -> !response.targetUri().equals(robotsTxt)).toList();
        int robotsResponses = allResponses.size() - responses.size();
        assertThat(robotsResponses).isPositive();
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
        assertThat(requests).isEqualTo(500 + robotsResponses);
        assertThat(JwarcValidator.validate(warcFiles)).isEqualTo(new JwarcValidator.Verdict(0, ""));

        // Each WARC file's CDXJ index is sorted and has a line per response, which reads that response
        // back by the line's offset and length, in the files committed before the failure and after.
        List<CommittedFiles.IndexedResponse> indexed = new ArrayList<>();
        for (Path file : warcFiles) {
            List<CommittedFiles.IndexedResponse> lines = CommittedFiles.cdxj(file);
            assertThat(lines).extracting(CommittedFiles.IndexedResponse::line).isSorted();
            assertThat(lines).allSatisfy(line -> {
                assertThat(line.fields().get("filename").asText()).isEqualTo(file.getFileName().toString());
                assertThat(line.capture().targetUri()).isEqualTo(line.fields().get("url").asText());
                assertThat(line.capture().payloadDigest()).isEqualTo(line.fields().get("digest").asText());
                assertThat(line.capture().status()).isEqualTo(200).isEqualTo(line.fields().get("status").asInt());
            });
            indexed.addAll(lines);
        }
        assertThat(indexed).extracting(line -> new CommittedFiles.ArchivedResponse(
                line.capture().targetUri(), line.capture().payloadDigest())).containsExactlyInAnyOrderElementsOf(allResponses);

        Map<String, String> nearDuplicates = records.stream().filter(record -> record.has("near_duplicate_of"))
                .collect(Collectors.toMap(record -> record.get("url").asText(), record -> record.get("near_duplicate_of").asText()));
        Map<String, String> expected = new HashMap<>();
        crawl.site.nearDuplicatePaths().forEach((copy, original) -> {
            String copyUrl = crawl.site.baseUrl() + copy;
            String originalUrl = crawl.site.baseUrl() + original;
            // Whichever of the two was parsed second is the near duplicate of the other.
            expected.put(nearDuplicates.containsKey(copyUrl) ? copyUrl : originalUrl,
                    nearDuplicates.containsKey(copyUrl) ? originalUrl : copyUrl);
        });
        assertThat(nearDuplicates).hasSize(10).isEqualTo(expected);
    }
}
