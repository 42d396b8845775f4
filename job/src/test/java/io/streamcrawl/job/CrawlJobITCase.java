package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TestSite;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * The whole crawl loop on a MiniCluster against a real redis-server, a real etcd and a local
 * generated site: what is fetched, exactly, under task toggles, depth limits, bad entries and a
 * task manager failure.
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
    }

    @Test
    void disablingATaskStopsItsFetchesAndEnablingResumesThem(TestInfo test) throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(500).linksPerPage(20).depth(3).build());
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 20}}");
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.site.totalRequests() >= 100);

        crawl.registry.setEnabled(crawl.task, false);
        long disabledAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofSeconds(2)).until(() -> true);
        int afterDisable = crawl.site.totalRequests();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> crawl.site.totalRequests() == afterDisable);
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
    void malformedFrontierEntriesAreSkippedCountedAndAcknowledged(TestInfo test) throws Exception {
        TestCrawl crawl = crawl(test, TestSite.builder().pages(50).linksPerPage(5).depth(2).build());
        String stream = crawl.ns + ":frontier:0";
        try (RedisClient redis = crawl.redisClient()) {
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", crawl.site.urlOf(1)));
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", "http://exa mple.org/%%%", "task", crawl.task));
            redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("url", crawl.site.urlOf(2), "task", crawl.task, "depth", "deep"));
        }
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        assertThat(crawl.site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(crawl.site.pagePaths())));
        assertThat(TestCrawl.counter(METRICS, crawl.job, "malformedEntries")).isEqualTo(3);
        try (RedisClient redis = crawl.redisClient()) {
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
    void aTaskWithARecrawlIntervalFetchesEveryPageAgainAfterIt(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(12).linksPerPage(4).depth(2).build();
        // The interval counts from a URL's release; the fetcher may hold a release up to its host-queue-wait.
        TestCrawl crawl = crawl(test, site, Map.of("scheduler.recrawl-scan", "500 ms", "fetch.host-queue-wait", "200 ms"));
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"recrawlAfter\": \"PT3S\", " + FAST + "}");

        await().atMost(TestCrawl.TIMEOUT).until(() -> site.pagePaths().stream().allMatch(path -> site.requestCount(path) >= 2));

        assertThat(site.requestCount("/robots.txt")).as("robots.txt is kept for a day").isOne();
        Map<String, List<Long>> arrivals = site.arrivals().stream().collect(Collectors.groupingBy(
                TestSite.Arrival::path, Collectors.mapping(TestSite.Arrival::nanos, Collectors.toList())));
        assertThat(site.pagePaths()).allSatisfy(path -> assertThat(arrivals.get(path).get(1) - arrivals.get(path).get(0))
                .isGreaterThanOrEqualTo(Duration.ofMillis(3000 - 200 - 100).toNanos()));
    }
}
