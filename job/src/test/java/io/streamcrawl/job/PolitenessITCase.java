package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How the crawl treats one host, measured at the host: the spacing between requests, the
 * requests in flight at once, and what the host asks for (Retry-After, crawl-delay).
 */
class PolitenessITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    /**
     * Requests leave the fetcher at least the delay apart; on their way into the test site's
     * handler threads they are delayed unevenly, by up to ~200 ms seen at load 10 on 2 cores.
     */
    private static final long ARRIVAL_JITTER_MS = 200;

    @AutoClose private TestCrawl crawl;

    @Test
    void spacesRequestsToAHostByTheDelayAndRunsNoMoreThanTheLimitAtOnce(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(40).linksPerPage(6).depth(2).build();
        // Slow responses make requests overlap, so the fetcher must hold some back (and may defer a few:
        // how many depends on the machine's speed; AsyncFetcherTest and HostGateTest pin deferral).
        crawl = new TestCrawl(test, REDIS, ETCD, site,
                Map.of("fetch.host-queue-wait", "1 s", "scheduler.busy-pause", "300 ms"));
        site.responseDelay(Duration.ofMillis(800));
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"],"
                + " \"politeness\": {\"delayMs\": 300, \"maxInFlightPerHost\": 2}}");

        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(site.pagePaths())));
        assertThat(site.maxConcurrentRequests()).isBetween(1, 2);
        assertSpaced(site.arrivals(), 300);
    }

    @Test
    void honoursTheCrawlDelayOfRobotsTxtAboveTheTasksDelay(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(8).linksPerPage(4).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        site.robotsTxt("User-agent: *\nCrawl-delay: 1\n");
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"],"
                + " \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}}");

        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(site.pagePaths())));
        // The crawl-delay is known once robots.txt has been read: it spaces the pages.
        List<TestSite.Arrival> pages = site.arrivals().stream().filter(a -> !a.path().equals("/robots.txt")).toList();
        assertThat(pages).hasSize(8);
        assertSpaced(pages, 1000);
    }

    @Test
    void aRetryAfterOfA429HoldsTheWholeHostThatLongAndTheUrlIsTriedAgain(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(20).linksPerPage(4).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        AtomicLong answeredAt = new AtomicLong();
        site.route("/busy", exchange -> {
            if (answeredAt.get() == 0) {
                exchange.getResponseHeaders().set("Retry-After", "2");
                answeredAt.set(System.nanoTime());
                Responses.send(exchange, 429, "text/plain", "slow down");
            } else {
                Responses.send(exchange, 200, "text/html", "<title>done</title>");
            }
        });
        crawl.start("{\"seeds\": [\"" + site.baseUrl() + "/busy\", \"" + site.urlOf(0) + "\"],"
                + " \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 1}}");

        crawl.awaitIdle();

        Set<String> expected = RobotsITCase.withRobots(site.pagePaths());
        expected.add("/busy");
        Map<String, Integer> counts = new HashMap<>(site.requestCounts());
        assertThat(counts.remove("/busy")).isEqualTo(2);
        expected.remove("/busy");
        assertThat(counts).isEqualTo(TestCrawl.everyPathOnce(expected));
        List<TestSite.Arrival> later = site.arrivals().stream().filter(a -> a.nanos() > answeredAt.get()).toList();
        assertThat(later).isNotEmpty();
        assertThat((later.get(0).nanos() - answeredAt.get()) / 1_000_000).isGreaterThanOrEqualTo(2000 - ARRIVAL_JITTER_MS);
        assertThat(crawl.pages()).filteredOn(page -> page.get("url").endsWith("/busy"))
                .singleElement().satisfies(page -> assertThat(page).containsEntry("status", "200"));
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_fetch_retries_total")).isEqualTo(1);
    }

    /** The time between consecutive requests, in ms. */
    static List<Long> gapsMs(List<TestSite.Arrival> arrivals) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            gaps.add((arrivals.get(i).nanos() - arrivals.get(i - 1).nanos()) / 1_000_000);
        }
        return gaps;
    }

    /**
     * Arrivals {@code delayMs} apart as far as the handler threads' lag lets a test see: any k
     * consecutive gaps span at least k delays less the lag at both ends. Over a long run that is
     * the delay itself; a burst of requests fails it however short.
     */
    static void assertSpaced(List<TestSite.Arrival> arrivals, long delayMs) {
        for (int i = 0; i < arrivals.size(); i++) {
            for (int j = i + 1; j < arrivals.size(); j++) {
                long spanMs = (arrivals.get(j).nanos() - arrivals.get(i).nanos()) / 1_000_000;
                assertThat(spanMs).as("arrivals %d to %d of %s", i, j, arrivals)
                        .isGreaterThanOrEqualTo((j - i) * delayMs - 2 * ARRIVAL_JITTER_MS);
            }
        }
    }
}
