package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.cli.CrawlProgress;
import io.streamcrawl.job.etcd.SeedMarker;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Task control while a job crawls: specs that fail validation and tasks deleted mid-crawl, with
 * other tasks of the same job crawling on. (Disabling and enabling a task: {@link CrawlJobITCase}.)
 */
class TaskLifecycleITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Links of a page of the trap: five pages one level deeper, without end. */
    private static final int TRAP_FAN_OUT = 5;

    @AutoClose private TestCrawl crawl;

    @Test
    void invalidSpecsAreRejectedWithTheirReasonWhileTheJobCrawlsOtherTasks(TestInfo test) throws Exception {
        crawl = new TestCrawl(test, REDIS, ETCD, TestSite.builder().pages(200).linksPerPage(10).depth(3).build());
        String kept = crawl.task + "-kept";
        String invalid = crawl.task + "-invalid";
        try (TestSite slow = TestSite.builder().address("127.0.0.2").pages(200).linksPerPage(6).depth(3).build().start()) {
            // One request at a time, 150 ms each: the kept task is still crawling when its spec is replaced.
            slow.responseDelay(Duration.ofMillis(150));
            String keptScope = "\"scope\": {\"allowPrivateHosts\": [\"127.0.0.2\"]}";
            crawl.putTask(kept, "{\"seeds\": [\"" + slow.urlOf(0) + "\"], \"maxDepth\": 2, "
                    + "\"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 1}, " + keptScope + "}");
            crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 5, \"maxInFlightPerHost\": 2}}");
            await().atMost(TestCrawl.TIMEOUT).until(() -> slow.totalRequests() >= 4 && crawl.site.totalRequests() >= 4);

            crawl.putTask(invalid, "{\"seeds\": [\"" + crawl.site.urlOf(1) + "\"], \"maxDeepth\": 3}");
            crawl.registry.putSpec(kept, "{\"seeds\": [\"" + slow.urlOf(0) + "\"], \"maxDepth\": 5, "
                    + "\"politeness\": {\"delayMs\": -5}, \"scope\": {\"exclude\": [\"(\"], \"allowPrivateHosts\": [\"127.0.0.2\"]}}");

            await().atMost(Duration.ofSeconds(20)).until(() -> status(invalid).isPresent() && status(kept).isPresent()
                    && status(kept).get().startsWith("rejected"));
            int slowRequestsAtRejection = slow.totalRequests();
            assertThat(status(invalid)).contains("rejected: unknown field 'maxDeepth'");
            assertThat(status(kept)).contains(
                    "rejected: politeness.delayMs: must be >= 0, got -5; scope.exclude: '(' is not a regular expression");
            crawl.awaitIdle();
            crawl.awaitIdle(kept);

            // The kept task went on under its previous spec (depth 2, not 5); the rejected task never crawled.
            Set<String> keptPaths = new HashSet<>(slow.pagePathsWithinDepth(2));
            assertThat(keptPaths).hasSizeBetween(10, 150);
            // Every page links to /offsite.html at the site's address with 127.0.0.1 replaced: here the same host.
            keptPaths.add("/offsite.html");
            assertThat(slow.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(keptPaths)));
            assertThat(slowRequestsAtRejection).isLessThan(keptPaths.size());
            assertThat(crawl.site.requestCounts())
                    .isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(crawl.site.pagePaths())));
            assertThat(crawl.pageUrls(crawl.task)).containsExactlyInAnyOrderElementsOf(crawl.urls(crawl.site.pagePaths()));
            assertThat(crawl.pageUrls(invalid)).isEmpty();
            assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_task_specs_rejected_total")).isEqualTo(2);
        }
    }

    @Test
    void deletingATaskDropsItsQueueAndStopsItsFetchesWhileAnotherTaskOnTheHostGoesOn(TestInfo test) throws Exception {
        crawl = new TestCrawl(test, REDIS, ETCD, TestSite.builder().pages(150).linksPerPage(8).depth(3).build());
        TestSite site = crawl.site;
        String deleted = crawl.task + "-deleted";
        // An endless tree of slow pages on the same host: /trap?n=k links to the pages 5k+1 .. 5k+5.
        site.route("/trap", exchange -> {
            long n = Long.parseLong(exchange.getRequestURI().getQuery().substring("n=".length()));
            Responses.hold(Duration.ofMillis(50));
            Responses.send(exchange, 200, "text/html", trapPage(site.baseUrl(), n));
        });
        String deletedSpec = "{\"seeds\": [\"" + site.baseUrl() + "/trap?n=0\"], \"scope\": {\"include\": [\"/trap\"]}, "
                + "\"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 2}}";
        crawl.putTask(deleted, deletedSpec);
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 20, \"maxInFlightPerHost\": 2}}");
        await().atMost(TestCrawl.TIMEOUT).until(() -> trapRequests(site) >= 20 && crawl.progress(deleted).queued() >= 20);
        long generation = seededGeneration(deleted);

        crawl.registry.delete(deleted);
        CrawlProgress dropped = await().atMost(Duration.ofSeconds(20)).until(() -> crawl.progress(deleted), p -> p.queued() == 0);
        int trapRequestsAtDrop = trapRequests(site);
        await().atMost(Duration.ofSeconds(20)).until(() -> crawl.progress(deleted).inFlight() == 0);
        int trapRequestsAfterDelete = trapRequests(site);
        Holds.forAtLeast(Duration.ofSeconds(3), () -> trapRequests(site) == trapRequestsAfterDelete);
        // Only requests released before the drop, and not finished then, may still arrive.
        assertThat(trapRequestsAfterDelete - trapRequestsAtDrop).isLessThanOrEqualTo((int) Math.max(0, dropped.inFlight()));

        // The other task on the host crawls to its end, every page once; robots.txt was asked once for both.
        crawl.awaitIdle();
        Map<String, Integer> pageRequests = site.requestCounts().entrySet().stream()
                .filter(entry -> !entry.getKey().startsWith("/trap"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(pageRequests).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(site.pagePaths())));
        assertThat(crawl.pageUrls(crawl.task)).hasSize(150);

        // Put again, the task is a new generation and its seed is injected again, but the seen-set is
        // per task name: the seed and every URL the first generation saw are duplicates, so nothing is
        // fetched again (README: a fresh crawl takes a new task name).
        long duplicatesBefore = TestCrawl.counter(METRICS, crawl.job, "crawler_urls_duplicate_total");
        crawl.putTask(deleted, deletedSpec);
        await().atMost(Duration.ofSeconds(20)).until(() -> seededGeneration(deleted) > generation);
        await().atMost(Duration.ofSeconds(20)).until(
                () -> TestCrawl.counter(METRICS, crawl.job, "crawler_urls_duplicate_total") == duplicatesBefore + 1);
        Holds.forAtLeast(Duration.ofSeconds(3), () -> trapRequests(site) == trapRequestsAfterDelete);
        assertThat(crawl.progress(deleted).idle()).isTrue();
        assertThat(crawl.registry.get(deleted, TaskKeys.STATUS)).map(TaskRegistry.Value::value).contains("accepted");
    }

    private Optional<String> status(String task) {
        return crawl.registry.get(task, TaskKeys.STATUS).map(TaskRegistry.Value::value);
    }

    /** The generation whose seeds the job injected last, 0 before any. */
    private long seededGeneration(String task) throws IOException {
        Optional<TaskRegistry.Value> marker = crawl.registry.get(task, TaskKeys.SEEDED);
        return marker.isEmpty() ? 0 : JSON.readValue(marker.get().value(), SeedMarker.class).generation();
    }

    private static int trapRequests(TestSite site) {
        return site.requestCounts().entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("/trap"))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    /** The HTML of trap page {@code n}. */
    private static String trapPage(String baseUrl, long n) {
        return IntStream.rangeClosed(1, TRAP_FAN_OUT)
                .mapToObj(i -> "<a href=\"" + baseUrl + "/trap?n=" + (TRAP_FAN_OUT * n + i) + "\">" + i + "</a>")
                .collect(Collectors.joining("", "<html><body>", "</body></html>"));
    }
}
