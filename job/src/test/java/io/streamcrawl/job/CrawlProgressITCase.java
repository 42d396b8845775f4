package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.cli.CrawlProgress;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The progress crawlctl shows (pages, errors, queued, in flight) on a crawl with every kind of
 * fetch: robots.txt, redirects, URLs that fail once and then answer, URLs that always fail.
 * In flight is never negative while the crawl runs, and at idle every number is exact.
 */
class CrawlProgressITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final int MAX_RETRIES = 2;
    private static final int ROUTES = 10;

    @AutoClose private TestCrawl crawl;
    @AutoClose("shutdownNow") private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

    @Test
    void inFlightIsNeverNegativeAndEveryNumberIsExactAtIdle(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(200).linksPerPage(6).depth(3).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site, Map.of(
                "fetch.max-retries", Integer.toString(MAX_RETRIES), "backoff.url-retry-delay", "100 ms"));
        site.robotsTxt("User-agent: *\nDisallow: /private/\n");
        Map<String, Integer> expected = new HashMap<>(TestCrawl.everyPathOnce(RobotsITCase.withRobots(site.pagePaths())));
        List<String> linked = new ArrayList<>();
        for (int i = 0; i < ROUTES; i++) {
            String landing = "/landing/" + i;
            linked.add(route(site, "/moved/" + i, exchange -> {
                exchange.getResponseHeaders().set("Location", site.baseUrl() + landing);
                Responses.send(exchange, 301, "text/html", "moved");
            }));
            route(site, landing, exchange -> Responses.send(exchange, 200, "text/html", "<title>landed</title>"));
            expected.put("/moved/" + i, 1);
            expected.put(landing, 1);
        }
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < ROUTES; i++) {
            linked.add(route(site, "/flaky/" + i, exchange -> Responses.send(exchange,
                    failedOnce.add(exchange.getRequestURI().getPath()) ? 500 : 200, "text/html", "<title>flaky</title>")));
            expected.put("/flaky/" + i, 2);
        }
        for (int i = 0; i < ROUTES / 2; i++) {
            linked.add(route(site, "/broken/" + i, exchange -> Responses.send(exchange, 500, "text/html", "boom")));
            expected.put("/broken/" + i, 1 + MAX_RETRIES);
            linked.add(route(site, "/private/" + i, exchange -> Responses.send(exchange, 200, "text/html", "secret")));
        }
        for (int i = 0; i < linked.size(); i++) {
            site.link(1 + (3 * i) % (site.graph().pages() - 1), linked.get(i));
        }
        List<CrawlProgress> negative = new CopyOnWriteArrayList<>();
        List<CrawlProgress> samples = new CopyOnWriteArrayList<>();

        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 8}}");
        sampler.scheduleWithFixedDelay(() -> {
            CrawlProgress p = crawl.progress(crawl.task);
            samples.add(p);
            if (p.inFlight() < 0 || p.queued() < 0) {
                negative.add(p);
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        crawl.awaitIdle();
        sampler.shutdownNow();

        assertThat(site.requestCounts()).as("robots.txt once, every page once, redirects followed, failures retried")
                .isEqualTo(expected);
        assertThat(samples).as("samples taken during the crawl").hasSizeGreaterThan(20);
        assertThat(negative).as("progress read while crawling with a negative in flight or queued").isEmpty();
        CrawlProgress idle = crawl.progress(crawl.task);
        assertThat(idle.inFlight()).isZero();
        assertThat(idle.queued()).isZero();
        // 2xx and 3xx: the site's pages, the redirects and their landing pages, the flaky URLs' second answers.
        assertThat(idle.pages()).isEqualTo(site.pagePaths().size() + 3L * ROUTES);
        assertThat(idle.errors()).as("the broken URLs, once each after their retries").isEqualTo(ROUTES / 2);
        assertThat(crawl.pageUrls()).hasSize((int) (idle.pages() + idle.errors()));
    }

    private static String route(TestSite site, String path, TestSite.Route route) {
        site.route(path, route);
        return path;
    }
}
