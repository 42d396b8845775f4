package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.SiteGraph;
import io.streamcrawl.testing.TestSite;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/** robots.txt as RFC 9309 asks, measured by what the test site was asked for. */
class RobotsITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final String FAST = "\"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}";
    private static final int MAX_DEPTH = 16;

    @AutoClose private TestCrawl crawl;

    @Test
    void disallowRulesForTheCrawlersTokenAreHonouredExactly(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(200).linksPerPage(10).depth(3).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        // The default user agent is streamcrawl/<version>: its group applies, not the '*' group.
        site.robotsTxt("User-agent: *\nDisallow: /\n\nUser-agent: streamcrawl\nDisallow: /pages/1\n");
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        Predicate<Integer> disallowed = page -> TestSite.pathOf(page).startsWith("/pages/1");
        Map<Integer, Integer> reached = reachable(site.graph(), disallowed);
        Set<String> fetched = paths(reached.keySet(), page -> !disallowed.test(page));
        assertThat(fetched).hasSizeBetween(20, 180);
        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(withRobots(fetched)));
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_robots_denied_total"))
                .isEqualTo(reached.keySet().stream().filter(disallowed).count());
    }

    @Test
    void anUnreachableRobotsTxtClosesTheHostUntilItAnswers(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(30).linksPerPage(5).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site, Map.of("robots.error-ttl", "1 s"));
        AtomicBoolean failing = new AtomicBoolean(true);
        site.route("/robots.txt", exchange -> {
            if (failing.get()) {
                Responses.send(exchange, 503, "text/plain", "busy");
            } else {
                Responses.send(exchange, 200, "text/plain", "User-agent: *\nAllow: /\n");
            }
        });
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], " + FAST + "}");

        await().atMost(TestCrawl.TIMEOUT).until(() -> site.requestCount("/robots.txt") >= 3);
        assertThat(site.requestCounts().keySet()).containsExactly("/robots.txt");
        // The seed waits in its host's queue while the host is closed.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(TestCrawl.gauge(METRICS, crawl.job, "crawler_queue_urls")).isEqualTo(1);
            assertThat(TestCrawl.gauge(METRICS, crawl.job, "crawler_hosts_active")).isEqualTo(1);
        });
        PolitenessITCase.assertSpaced(site.arrivals(), 1000);
        failing.set(false);
        crawl.awaitIdle();

        Map<String, Integer> counts = new HashMap<>(site.requestCounts());
        assertThat(counts.remove("/robots.txt")).isGreaterThanOrEqualTo(4);
        assertThat(counts).isEqualTo(TestCrawl.everyPathOnce(site.pagePaths()));
        assertThat(TestCrawl.gauge(METRICS, crawl.job, "crawler_queue_urls")).isZero();
        assertThat(TestCrawl.gauge(METRICS, crawl.job, "crawler_hosts_active")).isZero();
    }

    @Test
    void anOriginWhoseRobotsTxtNeverAnswersIsGivenUpSoTheTaskGoesIdle(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(30).linksPerPage(5).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site, Map.of("robots.error-ttl", "1 s", "robots.unreachable-give-up", "2 s"));
        try (TestSite dead = TestSite.builder().address("127.0.0.3").pages(10).build().start()) {
            AtomicBoolean failing = new AtomicBoolean(true);
            dead.route("/robots.txt", exchange -> {
                if (failing.get()) {
                    Responses.send(exchange, 503, "text/plain", "busy");
                } else {
                    Responses.send(exchange, 200, "text/plain", "User-agent: *\nAllow: /\n");
                }
            });
            dead.route("/late.html", exchange -> Responses.send(exchange, 200, "text/html", "<p>no links</p>"));
            crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\", \"" + dead.urlOf(1) + "\", \"" + dead.urlOf(2) + "\", \""
                    + dead.urlOf(3) + "\"], \"scope\": {\"allowPrivateHosts\": [\"127.0.0.1\", \"127.0.0.3\"]}, " + FAST + "}");

            // Asked at 0 s, after 1 s and after 2 s: unreachable for 2 s at that answer, so its seeds are dropped.
            crawl.awaitIdle();

            assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(withRobots(site.pagePaths())));
            assertThat(dead.requestCounts().keySet()).containsExactly("/robots.txt");
            assertThat(dead.requestCount("/robots.txt")).isGreaterThanOrEqualTo(3);
            assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_urls_robots_unreachable_total")).isEqualTo(3);
            assertThat(TestCrawl.gauge(METRICS, crawl.job, "crawler_queue_urls")).isZero();

            // Once it answers again, the origin's new URLs are crawled (the given-up answer expired while idle held).
            failing.set(false);
            int robotsRequests = dead.requestCount("/robots.txt");
            try (UnifiedJedis redis = crawl.redisClient()) {
                redis.xadd(crawl.ns + ":frontier:0", StreamEntryID.NEW_ENTRY,
                        Map.of("url", dead.baseUrl() + "/late.html", "task", crawl.task));
            }
            await().atMost(TestCrawl.TIMEOUT).until(() -> dead.requestCount("/late.html") == 1);
            crawl.awaitIdle();

            assertThat(dead.requestCounts()).isEqualTo(Map.of("/robots.txt", robotsRequests + 1, "/late.html", 1));
            assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_urls_robots_unreachable_total")).isEqualTo(3);
        }
    }

    @Test
    void aMissingRobotsTxtAllowsEverything(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(50).linksPerPage(5).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        site.route("/robots.txt", exchange -> Responses.send(exchange, 404, "text/html", "<p>no robots here</p>"));
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], " + FAST + "}");

        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(withRobots(site.pagePaths())));
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_robots_denied_total")).isZero();
    }

    @Test
    void readsTheSitemapsRobotsTxtListsWhenTheTaskAsks(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(20).linksPerPage(5).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        site.robotsTxt("User-agent: *\nAllow: /\nSitemap: " + site.baseUrl() + "/sitemap.xml\n");
        site.route("/sitemap.xml", exchange -> Responses.send(exchange, 200, "application/xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                        + "<sitemap><loc>" + site.baseUrl() + "/sitemap-pages.xml</loc></sitemap></sitemapindex>"));
        site.route("/sitemap-pages.xml", exchange -> Responses.send(exchange, 200, "application/xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                        + "<url><loc>" + site.baseUrl() + "/orphan.html</loc></url>"
                        + "<url><loc>" + site.urlOf(3) + "</loc></url></urlset>"));
        site.route("/orphan.html", exchange -> Responses.send(exchange, 200, "text/html", "<p>linked from nowhere</p>"));
        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"robots\": {\"sitemaps\": true}, " + FAST + "}");

        crawl.awaitIdle();

        Set<String> expected = withRobots(site.pagePaths());
        expected.addAll(List.of("/sitemap.xml", "/sitemap-pages.xml", "/orphan.html"));
        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(expected));
        assertThat(crawl.pageUrls()).contains(site.baseUrl() + "/orphan.html", site.baseUrl() + "/sitemap.xml");
    }

    /** The pages a crawl from page 0 discovers, with their depth, when it fetches no disallowed page. */
    private static Map<Integer, Integer> reachable(SiteGraph graph, Predicate<Integer> disallowed) {
        Map<Integer, Integer> depth = new HashMap<>(Map.of(0, 0));
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
        while (!queue.isEmpty()) {
            int page = queue.poll();
            if (disallowed.test(page) || depth.get(page) >= MAX_DEPTH) {
                continue;
            }
            for (int link : graph.linksOf(page)) {
                if (!depth.containsKey(link)) {
                    depth.put(link, depth.get(page) + 1);
                    queue.add(link);
                }
            }
        }
        return depth;
    }

    private static Set<String> paths(Set<Integer> pages, Predicate<Integer> keep) {
        return pages.stream().filter(keep).map(TestSite::pathOf).collect(Collectors.toSet());
    }

    /** {@code paths} and /robots.txt, which every crawl that obeys robots.txt asks for first. */
    static Set<String> withRobots(Set<String> paths) {
        Set<String> all = new HashSet<>(paths);
        all.add("/robots.txt");
        return all;
    }
}
