package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.RedisClusterExtension;
import io.streamcrawl.testing.TestSite;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole crawl with its frontier, pages stream and stats on a Redis Cluster of three masters
 * ({@code redis.cluster-nodes}), one master stopped and started again mid-crawl at full speed.
 *
 * <p>A master's restart fails no Flink task: the sources, sinks and the fence retry through it
 * (a lost connection, then a new client), so no state is rolled back and nothing is released
 * twice; the stopped master writes its AOF on SIGTERM, so nothing written to it is lost. Every
 * page is therefore fetched exactly once, and the job must not have restarted.
 */
class RedisClusterCrawlITCase {
    @RegisterExtension static final RedisClusterExtension CLUSTER = new RedisClusterExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    @AutoClose private TestCrawl crawl;

    @Test
    void restartingAMasterMidCrawlFetchesEveryPageOnceAndRecordsItOnce(TestInfo test) throws Exception {
        int pageCount = 400;
        crawl = new TestCrawl(test, CLUSTER, ETCD, TestSite.builder().pages(pageCount).linksPerPage(10).depth(4).build(),
                Map.of());
        // At most 8 x 50 pages a second: the crawl is still running when the master comes back.
        crawl.site.responseDelay(Duration.ofMillis(20));
        // The master of the pages stream; the namespace puts two frontier shards and the stats there too.
        int master = CLUSTER.nodeOf(crawl.ns + ":pages");
        List<String> frontierThere = IntStream.range(0, 4).mapToObj(i -> crawl.ns + ":frontier:" + i)
                .filter(stream -> CLUSTER.nodeOf(stream) == master).toList();
        assertThat(frontierThere).as("frontier shards on the restarted master").isNotEmpty();
        assertThat(CLUSTER.nodeOf(crawl.ns + ":stats:" + crawl.task)).isEqualTo(master);
        crawl.start("{\"seeds\": [\"" + crawl.site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 8}}");

        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.site.totalRequests() >= 100);
        CLUSTER.stop(master);
        // Down until the site sees no request for a while (the pages sink waits for its master and
        // back-pressures the fetchers, or every page was fetched and its record waits): the job's
        // clients meet the closed port, not only a call in flight.
        Holds.eventuallyForAtLeast(Duration.ofMillis(500), Duration.ofSeconds(30),
                Holds.unchanged(crawl.site::totalRequests));
        CLUSTER.start(master);
        crawl.awaitIdle();

        // First: a restart (a client failure judged permanent) would explain any page fetched twice.
        assertThat(METRICS.findMetric(crawl.job.getJobID(), "numRestarts")).as("job restarts")
                .hasValueSatisfying(restarts -> assertThat(((Gauge<?>) restarts).getValue()).isEqualTo(0L));
        assertThat(crawl.pageRequests()).isEqualTo(TestCrawl.everyPathOnce(crawl.site.pagePaths()));
        List<String> pages = crawl.pageUrls();
        assertThat(pages).as("each page recorded once").doesNotHaveDuplicates();
        assertThat(Set.copyOf(pages)).isEqualTo(crawl.urls(crawl.site.pagePaths()));
    }
}
