package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;

import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a crawl refuses to follow however a site lures it: redirect chains, spider traps, private addresses. */
class ScopeITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final String FAST = "\"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}";

    @AutoClose private TestCrawl crawl;

    @Test
    void cutsAnEndlessRedirectChainAtTheLimitAndARedirectLoopByDeduplication(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(1).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        site.route("/loop", exchange -> {
            int n = Integer.parseInt(exchange.getRequestURI().getQuery().substring("n=".length()));
            redirect(exchange, "/loop?n=" + (n + 1));
        });
        site.route("/a", exchange -> redirect(exchange, "/b"));
        site.route("/b", exchange -> redirect(exchange, site.baseUrl() + "/a"));
        crawl.start("{\"seeds\": [\"" + site.baseUrl() + "/loop?n=0\", \"" + site.baseUrl() + "/a\"],"
                + " \"fetch\": {\"maxRedirects\": 3}, " + FAST + "}");

        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(
                Set.of("/robots.txt", "/loop?n=0", "/loop?n=1", "/loop?n=2", "/loop?n=3", "/a", "/b")));
        assertThat(crawl.pages()).hasSize(6).allSatisfy(page -> assertThat(page.get("status")).isEqualTo("302"));
        assertThat(crawl.pages()).filteredOn(page -> page.get("url").endsWith("/loop?n=3"))
                .singleElement().satisfies(page -> assertThat(page).containsEntry("location", site.baseUrl() + "/loop?n=4"));
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_redirects_cut_total")).isEqualTo(1);
        // n=0..2 to n+1, /a to /b, and /b to /a, which the scheduler drops as a duplicate.
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_redirects_total")).isEqualTo(5);
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_urls_duplicate_total")).isEqualTo(1);
    }

    @Test
    void refusesLinksToPrivateAddressesByDefaultAndAllowsTheSeedsHost(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(1).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        String port = site.baseUrl().substring(site.baseUrl().lastIndexOf(':') + 1);
        List<String> lures = List.of("http://localhost:" + port + "/lured.html", "http://169.254.169.254/latest/meta-data/",
                "http://10.1.2.3/admin");
        site.route("/lure.html", exchange -> Responses.send(exchange, 200, "text/html", lures.stream()
                .map(url -> "<a href=\"" + url + "\">x</a>").collect(Collectors.joining())));
        crawl.start("{\"seeds\": [\"" + site.baseUrl() + "/lure.html\"], \"maxDepth\": 1,"
                + " \"scope\": {\"hosts\": [\"*\"], \"allowPrivateHosts\": [\"127.0.0.1\"]}, " + FAST + "}");

        crawl.awaitIdle();

        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(Set.of("/robots.txt", "/lure.html")));
        Map<String, Map<String, String>> pages = crawl.pages().stream()
                .collect(Collectors.toMap(page -> page.get("url"), page -> page));
        assertThat(pages).containsOnlyKeys(Stream.concat(Stream.of(site.baseUrl() + "/lure.html"), lures.stream()).toList());
        assertThat(lures).allSatisfy(url -> assertThat(pages.get(url)).containsEntry("status", "0")
                .hasEntrySatisfying("error", error -> assertThat(error).startsWith("refused: ")));
        // Each lured host's robots.txt and its page.
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_fetch_refused_total")).isEqualTo(6);
    }

    @Test
    void crawlsASiteOnTheIpv6LoopbackAndRefusesPrivateIpv6Literals(TestInfo test) throws Exception {
        assumeTrue(TestSite.ipv6LoopbackAvailable(), "this machine has no IPv6 loopback ::1 to serve the site on");
        TestSite site = TestSite.builder().pages(6).address("::1").build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        List<String> lures = List.of("http://[fc00::1]/lured", "http://[fe80::1]/lured", "http://[::ffff:169.254.169.254]/latest/");
        site.route("/lure.html", exchange -> Responses.send(exchange, 200, "text/html", lures.stream()
                .map(url -> "<a href=\"" + url + "\">x</a>").collect(Collectors.joining())));
        crawl.start("{\"seeds\": [\"" + site.baseUrl() + "/\", \"" + site.baseUrl() + "/lure.html\"],"
                + " \"scope\": {\"hosts\": [\"*\"], \"allowPrivateHosts\": [\"::1\"]}, " + FAST + "}");

        crawl.awaitIdle();

        Set<String> paths = new HashSet<>(site.pagePaths());
        // The pages' "elsewhere" link leaves a site on 127.0.0.1 (for localhost); on [::1] it stays.
        paths.addAll(Set.of("/robots.txt", "/lure.html", "/offsite.html"));
        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(paths));
        assertThat(site.baseUrl()).startsWith("http://[::1]:");
        List<String> refused = List.of("http://[fc00::1]/lured", "http://[fe80::1]/lured", "http://169.254.169.254/latest/");
        assertThat(crawl.pageUrls()).containsExactlyInAnyOrderElementsOf(
                Stream.concat(crawl.urls(paths).stream().filter(url -> !url.endsWith("/robots.txt")), refused.stream()).toList());
        assertThat(crawl.pages()).filteredOn(page -> refused.contains(page.get("url")))
                .hasSize(3).allSatisfy(page -> assertThat(page.get("error")).startsWith("refused: "));
    }

    @Test
    void anEndlessCalendarIsBoundedByTheTasksDepth(TestInfo test) throws Exception {
        TestSite site = calendarSite();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        crawl.start("{\"seeds\": [\"" + site.baseUrl() + "/calendar?day=0\"], \"maxDepth\": 3, " + FAST + "}");

        crawl.awaitIdle();

        Set<String> expected = calendarPagesWithinDepth(3);
        expected.add("/robots.txt");
        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(expected));
    }

    @Test
    void anEndlessCalendarIsBoundedByThePerHostPageCap(TestInfo test) throws Exception {
        TestSite site = calendarSite();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        crawl.start("{\"seeds\": [\"" + site.baseUrl() + "/calendar?day=0\"], \"maxDepth\": 1000,"
                + " \"maxPagesPerHost\": 25, " + FAST + "}");

        crawl.awaitIdle();

        Map<String, Integer> counts = site.requestCounts();
        assertThat(counts).containsEntry("/robots.txt", 1).hasSize(26).allSatisfy((path, count) -> assertThat(count).isOne());
        assertThat(crawl.pages()).hasSize(25);
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_urls_host_capped_total")).isPositive();
    }

    @Test
    void aPathThatGrowsWithEveryLinkIsBoundedByTheMaxUrlLength(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(1).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site);
        site.route("/grow", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            Responses.send(exchange, 200, "text/html", "<a href=\"/grow?" + query + "x\">deeper</a>");
        });
        String seed = site.baseUrl() + "/grow?p=x";
        int maxUrlLength = seed.length() + 20;
        crawl.start("{\"seeds\": [\"" + seed + "\"], \"maxDepth\": 1000, \"maxUrlLength\": " + maxUrlLength + ", " + FAST + "}");

        crawl.awaitIdle();

        Set<String> expected = IntStream.rangeClosed(1, 21).mapToObj(n -> "/grow?p=" + "x".repeat(n))
                .collect(Collectors.toCollection(HashSet::new));
        expected.add("/robots.txt");
        assertThat(site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(expected));
    }

    /**
     * A site with an endless calendar: /calendar?day=N links to the next day, the next week and
     * the next month, as calendar widgets do, so every page leads to new pages.
     */
    private static TestSite calendarSite() {
        TestSite site = TestSite.builder().pages(1).build();
        site.route("/calendar", exchange -> {
            int day = Integer.parseInt(exchange.getRequestURI().getQuery().substring("day=".length()));
            Responses.send(exchange, 200, "text/html", calendarLinks(day).stream()
                    .map(next -> "<a href=\"/calendar?day=" + next + "\">" + next + "</a>").collect(Collectors.joining()));
        });
        return site;
    }

    private static List<Integer> calendarLinks(int day) {
        return List.of(day + 1, day + 7, day + 31);
    }

    /** The calendar pages a crawl from day 0 reaches within {@code maxDepth} links. */
    private static Set<String> calendarPagesWithinDepth(int maxDepth) {
        Set<Integer> reached = new HashSet<>(Set.of(0));
        Set<Integer> frontier = Set.of(0);
        for (int depth = 1; depth <= maxDepth; depth++) {
            Set<Integer> next = new HashSet<>();
            for (int day : frontier) {
                for (int link : calendarLinks(day)) {
                    if (reached.add(link)) {
                        next.add(link);
                    }
                }
            }
            frontier = next;
        }
        return reached.stream().map(day -> "/calendar?day=" + day).collect(Collectors.toCollection(HashSet::new));
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }
}
