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

/**
 * A TaskManager failure in the middle of a crawl at full speed (no politeness delay, 8 requests in flight), on a MiniCluster against a real
 * redis-server and etcd: the pages fetched again are only those in flight at the failure (fetched,
 * their record not yet in the pages stream), and the pages stream holds each page once.
 */
class CrashRecoveryITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    @AutoClose private TestCrawl crawl;

    @Test
    void aFailureAtFullSpeedFetchesAgainOnlyWhatWasInFlightAndRecordsEveryPageOnce(
            TestInfo test, @InjectMiniCluster MiniCluster cluster) throws Exception {
        // A long checkpoint interval: without the journal a failure would fetch seconds of pages again.
        int pageCount = 3000;
        crawl = new TestCrawl(test, REDIS, ETCD, TestSite.builder().pages(pageCount).linksPerPage(20).depth(4).build(),
                Map.of("job.checkpoint-interval", "4 s"));
        // At most 8 x 100 pages a second: the crawl outlasts a checkpoint interval even on an idle machine.
        crawl.site.responseDelay(Duration.ofMillis(10));
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 8}}");
        // After a completed checkpoint (its counters are published), with pages fetched since.
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.progress(crawl.task).pages() > 0);
        int atCheckpoint = crawl.pageRequests().size();
        int failAt = Math.min(atCheckpoint + 200, pageCount - 100);
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.site.totalRequests() >= failAt);

        cluster.terminateTaskManager(0).get();
        Set<String> requested = crawl.pageRequests().keySet();
        Set<String> recorded = crawl.pageUrls().stream().map(url -> url.substring(crawl.site.baseUrl().length()))
                .collect(Collectors.toSet());
        Set<String> inFlight = requested.stream().filter(path -> !recorded.contains(path)).collect(Collectors.toSet());
        cluster.startTaskManager();
        crawl.awaitIdle();

        Map<String, Integer> counts = crawl.pageRequests();
        assertThat(counts.keySet()).isEqualTo(crawl.site.pagePaths());
        Set<String> fetchedAgain = counts.entrySet().stream().filter(count -> count.getValue() > 1)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(fetchedAgain).as("fetched again: only pages in flight at the failure (%s of them)", inFlight.size())
                .isSubsetOf(inFlight);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(2));
        assertThat(recorded.size()).as("pages recorded before the failure, since the checkpoint too")
                .isGreaterThan(atCheckpoint);
        List<String> pages = crawl.pageUrls();
        assertThat(pages).as("each page recorded once").doesNotHaveDuplicates();
        assertThat(Set.copyOf(pages)).isEqualTo(crawl.urls(crawl.site.pagePaths()));
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_fetch_recorded_total")).isPositive();
    }
}
