package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.cli.Crawlctl;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code crawlctl report} on a crawl of a site whose every answer the test knows: pages, two
 * missing pages, a broken one, a redirect, a plain text file, a body cut off by a reset and a URL
 * robots.txt disallows. Every number of the report, text and JSON, is exact.
 */
class CrawlReportITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(InMemoryReporter.create());

    private static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose private TestCrawl crawl;

    @Test
    void theReportCountsEveryAnswerOfTheSiteExactly(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(12).linksPerPage(4).depth(2).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site, Map.of("fetch.max-retries", "0"));
        site.robotsTxt("User-agent: *\nDisallow: /private/\n");
        Map<String, TestSite.Route> routes = new HashMap<>();
        routes.put("/missing/0", exchange -> Responses.send(exchange, 404, "text/html", "<p>gone</p>"));
        routes.put("/missing/1", exchange -> Responses.send(exchange, 404, "text/html", "<p>gone</p>"));
        routes.put("/broken", exchange -> Responses.send(exchange, 500, "text/html", "boom"));
        routes.put("/moved", exchange -> {
            exchange.getResponseHeaders().set("Location", site.baseUrl() + "/landing");
            Responses.send(exchange, 301, "text/html", "moved");
        });
        routes.put("/notes.txt", exchange -> Responses.send(exchange, 200, "text/plain; charset=utf-8", "plain notes"));
        routes.put("/reset", Responses::resetMidBody);
        routes.put("/private/secret", exchange -> Responses.send(exchange, 200, "text/html", "secret"));
        int page = 1;
        for (Map.Entry<String, TestSite.Route> route : routes.entrySet()) {
            site.route(route.getKey(), route.getValue());
            site.link(page++, route.getKey());
        }
        site.route("/landing", exchange -> Responses.send(exchange, 200, "text/html", "<title>landed</title>"));

        crawl.start("{\"seeds\": [\"" + site.urlOf(0) + "\"], \"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}}");
        crawl.awaitIdle();

        int pages = site.pagePaths().size();
        // The site's pages, the redirect's landing page and the text file answer 200.
        long fetches = pages + 7;
        List<Map<String, String>> records = crawl.pages();
        assertThat(records).hasSize((int) fetches);
        long bytes = records.stream().mapToLong(r -> Long.parseLong(r.get("content_length"))).sum();
        Instant first = records.stream().map(r -> Instant.parse(r.get("fetched_at"))).min(Instant::compareTo).orElseThrow();
        Instant last = records.stream().map(r -> Instant.parse(r.get("fetched_at"))).max(Instant::compareTo).orElseThrow();
        double seconds = (last.toEpochMilli() - first.toEpochMilli()) / 1000.0;
        String host = "127.0.0.1"; // hosts are named without their port, as the schedulers key them
        // The page counters publish after each checkpoint: the report is final once it counts every fetch.
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(report("--json")).get("fetches").asLong() == fetches);

        JsonNode json = JSON.readTree(report("--json"));
        assertThat(json.get("task").asText()).isEqualTo(crawl.task);
        assertThat(json.get("fetches").asLong()).isEqualTo(fetches);
        assertThat(json.get("pages").asLong()).as("2xx and 3xx").isEqualTo(pages + 3);
        assertThat(json.get("errors").asLong()).as("404, 404, 500, the reset").isEqualTo(4);
        assertThat(json.get("bytes").asLong()).isEqualTo(bytes);
        assertThat(json.get("robots_disallowed").asLong()).isEqualTo(1);
        assertThat(JSON.convertValue(json.get("statuses"), Map.class)).isEqualTo(Map.of(
                "1xx", 0, "2xx", pages + 2, "3xx", 1, "4xx", 2, "5xx", 1, "no_response", 1));
        assertThat(fieldNames(json.get("top_statuses"))).containsExactly("200", "404", "0", "301", "500");
        assertThat(JSON.convertValue(json.get("top_statuses"), Map.class)).isEqualTo(Map.of(
                "200", pages + 2, "404", 2, "0", 1, "301", 1, "500", 1));
        assertThat(JSON.convertValue(json.get("media_types"), Map.class)).as("the reset's response is no response")
                .isEqualTo(Map.of("text/html", pages + 5, "text/plain", 1));
        assertThat(json.get("novel").asLong()).isEqualTo(pages + 2);
        assertThat(json.get("not_modified").asLong()).isZero();
        assertThat(json.get("identical_payload").asLong()).isZero();
        assertThat(JSON.convertValue(json.get("failures"), Map.class)).isEqualTo(Map.of("body", 1));
        assertThat(json.get("backing_off_hosts").asLong()).isZero();
        assertThat(json.get("first_fetch").asText()).isEqualTo(first.toString());
        assertThat(json.get("last_fetch").asText()).isEqualTo(last.toString());
        assertThat(json.get("seconds").asDouble()).isEqualTo(seconds);
        assertThat(json.get("pages_per_s").asDouble()).isEqualTo(fetches / seconds);
        assertThat(json.get("hosts")).hasSize(1);
        JsonNode onlyHost = json.get("hosts").get(0);
        assertThat(onlyHost.get("host").asText()).isEqualTo(host);
        assertThat(onlyHost.get("fetches").asLong()).isEqualTo(fetches);
        assertThat(onlyHost.get("bytes").asLong()).isEqualTo(bytes);
        assertThat(onlyHost.get("statuses")).isEqualTo(json.get("statuses"));
        assertThat(onlyHost.get("backing_off_until").isNull()).isTrue();

        assertThat(report()).isEqualTo(String.join("\n",
                String.format(Locale.ROOT, "report task=%s fetches=%d pages=%d errors=4 bytes=%d robots_disallowed=1",
                        crawl.task, fetches, pages + 3, bytes),
                String.format(Locale.ROOT, "statuses: 1xx=0 2xx=%d 3xx=1 4xx=2 5xx=1 no_response=1", pages + 2),
                String.format(Locale.ROOT, "top_statuses: 200=%d 404=2 0=1 301=1 500=1", pages + 2),
                String.format(Locale.ROOT, "media_types: text/html=%d text/plain=1", pages + 5),
                String.format(Locale.ROOT, "novel=%d not_modified=0 identical_payload=0", pages + 2),
                "failures: body=1",
                "backing_off_hosts=0",
                String.format(Locale.ROOT, "life: first_fetch=%s last_fetch=%s seconds=%.1f pages_per_s=%.1f",
                        first, last, seconds, fetches / seconds),
                "hosts: 1, most fetches first",
                String.format(Locale.ROOT, "  %s fetches=%d bytes=%d 1xx=0 2xx=%d 3xx=1 4xx=2 5xx=1 no_response=1",
                        host, fetches, bytes, pages + 2),
                ""));
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private String report(String... flags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("--redis.port", Integer.toString(REDIS.port()),
                "--etcd.endpoints", ETCD.endpoint(), "--etcd.prefix", "/" + crawl.ns + "/",
                "--stats.key-prefix", crawl.ns + ":stats:", "report", crawl.task));
        args.addAll(List.of(flags));
        assertThat(Crawlctl.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8))).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
