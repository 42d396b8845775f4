package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The test site serves a deterministic link graph and counts what it serves. */
class TestSiteTest {
    private static final Pattern HREF = Pattern.compile("href=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyPageIsReachableAndDepthsMatchTheLinks() throws Exception {
        try (TestSite site = TestSite.builder().pages(120).linksPerPage(10).depth(3).build().start()) {
            Set<String> seen = new HashSet<>(Set.of("/"));
            Set<String> frontier = Set.of("/");
            for (int depth = 0; !frontier.isEmpty(); depth++) {
                assertThat(site.pagePathsWithinDepth(depth)).isEqualTo(seen);
                Set<String> next = new HashSet<>();
                for (String path : frontier) {
                    for (String link : linksOn(site, path)) {
                        if (seen.add(link)) {
                            next.add(link);
                        }
                    }
                }
                frontier = next;
            }
            assertThat(seen).isEqualTo(site.pagePaths()).hasSize(120);
            assertThat(site.requestCounts().values()).containsOnly(1);
            assertThat(site.totalRequests()).isEqualTo(120);
        }
    }

    @Test
    void pagesAreDeterministicAndSizedAndUnknownPathsAre404() throws Exception {
        try (TestSite a = TestSite.builder().pageBytes(8000).build().start();
                TestSite b = TestSite.builder().pageBytes(8000).build().start()) {
            String pageA = get(a, "/pages/7.html").body();
            String pageB = get(b, "/pages/7.html").body();
            assertThat(pageA.replaceAll(":[0-9]+/", "/")).isEqualTo(pageB.replaceAll(":[0-9]+/", "/"));
            assertThat(pageA.length()).isBetween(8000, 9000);
            assertThat(pageA).contains("<title>Page 7</title>");
            assertThat(get(a, "/pages/500.html").statusCode()).isEqualTo(404);
            assertThat(get(a, "/robots.txt").body()).contains("User-agent: *");
            assertThat(a.requestCount("/pages/7.html")).isEqualTo(1);
            assertThat(a.requestCount("/pages/500.html")).isEqualTo(1);
        }
    }

    @Test
    void routesReplaceWhatAPathServes() throws Exception {
        try (TestSite site = TestSite.builder().build().start()) {
            site.route("/pages/3.html", exchange -> {
                exchange.getResponseHeaders().set("Location", "/pages/4.html");
                exchange.sendResponseHeaders(301, -1);
            });
            HttpResponse<String> response = get(site, "/pages/3.html?x=1");
            assertThat(response.statusCode()).isEqualTo(301);
            assertThat(site.requestCount("/pages/3.html?x=1")).isEqualTo(1);
        }
    }

    private Set<String> linksOn(TestSite site, String path) throws Exception {
        Set<String> links = new HashSet<>();
        URI base = URI.create(site.baseUrl() + path);
        Matcher m = HREF.matcher(get(site, path).body());
        while (m.find()) {
            URI link = base.resolve(m.group(1));
            if (site.baseUrl().equals(link.getScheme() + "://" + link.getAuthority())) {
                links.add(link.getPath());
            }
        }
        return links;
    }

    private HttpResponse<String> get(TestSite site, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(site.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
