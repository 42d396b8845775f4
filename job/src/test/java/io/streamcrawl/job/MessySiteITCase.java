package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A site that mixes ordinary pages with URLs that fail in every way a real site does: the
 * failing URLs are retried on their own, at most {@code fetch.max-retries} times, and never
 * park the host, so every ordinary page is fetched once and the crawl goes idle.
 */
class MessySiteITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final int FETCH_DEADLINE_MS = 1_500;
    private static final int RETRY_AFTER_MS = 2_000;
    private static final int MAX_RETRIES = 2;
    /** How late a request may reach the site's handler after the fetcher sent it (see PolitenessITCase). */
    private static final long ARRIVAL_JITTER_MS = 150;

    @AutoClose private TestCrawl crawl;

    @Test
    void failingUrlsAreRetriedOnTheirOwnAndNeverStallTheOrdinaryPages(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(300).linksPerPage(6).depth(3).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site, Map.of("fetch.max-retries", Integer.toString(MAX_RETRIES),
                "backoff.url-retry-delay", "500 ms", "backoff.initial-pause", "1 s", "backoff.max-pause", "30 s",
                "scheduler.busy-pause", "300 ms"));
        List<String> failing = new ArrayList<>();
        failing.addAll(routes(site, "e500", 20, exchange -> Responses.send(exchange, 500, "text/html", "boom")));
        failing.addAll(routes(site, "e502", 20, exchange -> Responses.send(exchange, 502, "text/html", "bad gateway")));
        failing.addAll(routes(site, "e503", 20, exchange -> Responses.send(exchange, 503, "text/html", "not this one")));
        failing.addAll(routes(site, "reset", 20, Responses::resetMidBody));
        failing.addAll(routes(site, "silent-body", 20,
                exchange -> Responses.headersThenSilence(exchange, Duration.ofMillis(FETCH_DEADLINE_MS + 500))));
        failing.addAll(routes(site, "drip", 20,
                exchange -> Responses.trickle(exchange, Duration.ofMillis(FETCH_DEADLINE_MS + 1_000))));
        failing.addAll(routes(site, "no-head", 5, exchange -> Responses.hold(Duration.ofMillis(FETCH_DEADLINE_MS + 500))));
        Map<String, Long> tooManyAt = new ConcurrentHashMap<>();
        List<String> busy = routes(site, "busy", 5, exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (tooManyAt.putIfAbsent(path, System.nanoTime()) == null) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_MS / 1000));
                Responses.send(exchange, 429, "text/plain", "slow down");
            } else {
                Responses.send(exchange, 200, "text/html", "<title>answered</title>");
            }
        });
        List<String> linked = new ArrayList<>(failing);
        linked.addAll(busy);
        for (int i = 0; i < linked.size(); i++) {
            site.link(1 + (2 * i) % (site.graph().pages() - 1), linked.get(i));
        }

        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 8},"
                + " \"fetch\": {\"timeoutMs\": " + FETCH_DEADLINE_MS + "}}");
        crawl.awaitIdle();

        Map<String, Integer> counts = new HashMap<>(site.requestCounts());
        Map<String, Integer> expected = new HashMap<>(TestCrawl.everyPathOnce(RobotsITCase.withRobots(site.pagePaths())));
        failing.forEach(path -> expected.put(path, 1 + MAX_RETRIES));
        busy.forEach(path -> expected.put(path, 2));
        assertThat(counts).as("every ordinary page once, every failing URL 1 + max-retries times").isEqualTo(expected);
        Set<String> recorded = new HashSet<>(crawl.pageUrls());
        assertThat(crawl.pageUrls()).as("one page record per URL").hasSameSizeAs(recorded);
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_fetch_retries_total"))
                .isEqualTo((long) failing.size() * MAX_RETRIES + busy.size());
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_url_retries_total"))
                .as("500, 502, a broken or slow body: about the URL only").isGreaterThanOrEqualTo(100L * MAX_RETRIES);

        List<TestSite.Arrival> arrivals = site.arrivals();
        tooManyAt.forEach((path, answeredAt) -> assertThat(arrivals)
                .as("no request during the Retry-After of %s", path)
                .noneMatch(a -> a.nanos() - answeredAt > ARRIVAL_JITTER_MS * 1_000_000
                        && a.nanos() - answeredAt < (RETRY_AFTER_MS - ARRIVAL_JITTER_MS) * 1_000_000));
        long lastOrdinary = arrivals.stream().filter(a -> site.pagePaths().contains(a.path()))
                .mapToLong(TestSite.Arrival::nanos).max().orElseThrow();
        List<TestSite.Arrival> whileOrdinaryRemain = arrivals.stream().filter(a -> a.nanos() <= lastOrdinary).toList();
        assertThat(PolitenessITCase.gapsMs(whileOrdinaryRemain)).as("the host is never parked while pages remain")
                .allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo(RETRY_AFTER_MS + FETCH_DEADLINE_MS + ARRIVAL_JITTER_MS));
    }

    /** Routes {@code /<kind>/<i>} for i below {@code count} to {@code route}; returns their paths. */
    private static List<String> routes(TestSite site, String kind, int count, TestSite.Route route) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String path = "/" + kind + "/" + i;
            site.route(path, route);
            paths.add(path);
        }
        return paths;
    }
}
