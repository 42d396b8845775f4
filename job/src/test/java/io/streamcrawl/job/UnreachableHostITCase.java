package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TestSite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.UnifiedJedis;

/**
 * A host that refuses every connection, next to a good one: its breaker opens and its pauses
 * grow; it resumes when it comes back, and it is given up after {@code backoff.give-up} so the
 * task goes idle. The good host is crawled meanwhile.
 */
class UnreachableHostITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    /** Another loopback address: another host to the crawler. */
    private static final String DOWN = "127.0.0.2";
    private static final Map<String, String> FAST_BACKOFF = Map.of("fetch.max-retries", "100",
            "backoff.url-retry-delay", "200 ms", "backoff.failures-to-open", "2", "backoff.initial-pause", "500 ms",
            "backoff.max-pause", "2 s");

    @AutoClose private TestCrawl crawl;
    @AutoClose private TestSite down;

    @Test
    void aHostRefusingEveryConnectionIsGivenUpAndTheTaskGoesIdle(TestInfo test) throws Exception {
        TestSite good = TestSite.builder().pages(20).linksPerPage(4).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, good, with("backoff.give-up", "6 s"));
        List<String> refused = pagesOf("http://" + DOWN + ":" + freePort(), 10);

        crawl.start(spec(good, refused));
        crawl.awaitIdle();

        assertThat(good.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(good.pagePaths()));
        assertThat(crawl.progress(crawl.task).errors()).as("the refused URLs, given up").isEqualTo(refused.size());
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_urls_host_given_up_total")).isEqualTo(refused.size());
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_host_breakers_opened_total")).isEqualTo(1);
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_host_backoffs_total")).as("growing pauses")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aHostThatComesBackBeforeTheGiveUpResumes(TestInfo test) throws Exception {
        TestSite good = TestSite.builder().pages(20).linksPerPage(4).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, good, with("backoff.give-up", "1 h"));
        int port = freePort();
        down = TestSite.builder().pages(10).linksPerPage(3).depth(2).address(DOWN).port(port).build();
        List<String> seeds = pagesOf("http://" + DOWN + ":" + port, 10);

        crawl.start(spec(good, seeds));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> TestCrawl.counter(METRICS, crawl.job, "crawler_host_breakers_opened_total") == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(backingOff().longest())
                .as("what crawlctl status shows").extracting(HostsBackingOff.Pause::host).containsExactly(DOWN));
        down.start();
        crawl.awaitIdle();
        assertThat(backingOff().hosts()).isZero();

        assertThat(good.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(good.pagePaths()));
        // Its pages' "elsewhere" link stays on its own host (the good site's goes to localhost): a 404.
        Set<String> paths = new HashSet<>(down.pagePaths());
        paths.add("/offsite.html");
        assertThat(down.requestCounts()).as("every page once when it came back").isEqualTo(TestCrawl.everyPathOnce(paths));
        assertThat(crawl.progress(crawl.task).errors()).as("the 404 only").isEqualTo(1);
        assertThat(TestCrawl.counter(METRICS, crawl.job, "crawler_urls_host_given_up_total")).isZero();
    }

    /** The task's hosts backing off now, as crawlctl status reads them. */
    private HostsBackingOff.Summary backingOff() {
        try (UnifiedJedis redis = crawl.redisClient()) {
            return HostsBackingOff.read(redis, crawl.ns + ":stats:", crawl.task, System.currentTimeMillis(), 5);
        }
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> config = new HashMap<>(FAST_BACKOFF);
        config.put(key, value);
        return config;
    }

    /** Seeds on both hosts; robots.txt not asked (an unreachable one would hold the host's URLs for its own reasons). */
    private static String spec(TestSite good, List<String> others) {
        String seeds = others.stream().map(url -> "\"" + url + "\"").collect(Collectors.joining(", "));
        return "{\"seeds\": [\"" + good.urlOf(0) + "\", " + seeds + "],"
                + " \"scope\": {\"allowPrivateHosts\": [\"127.0.0.1\", \"" + DOWN + "\"]},"
                + " \"robots\": {\"obey\": false}, \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}}";
    }

    /** The site's pages 0 .. count - 1 at {@code base}. */
    private static List<String> pagesOf(String base, int count) {
        return IntStream.range(0, count).mapToObj(i -> base + TestSite.pathOf(i)).toList();
    }

    /** A port of {@link #DOWN} nothing listens on: connecting to it is refused. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(DOWN))) {
            return socket.getLocalPort();
        }
    }
}
