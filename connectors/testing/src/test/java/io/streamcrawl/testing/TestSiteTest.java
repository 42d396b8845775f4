package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
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
            Set<String> seen = reachable(site);
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
    void aPageAlsoLinksToThePathsLinkedFromIt() throws Exception {
        try (TestSite site = TestSite.builder().pages(20).linksPerPage(4).depth(2).build().start()) {
            String before = get(site, "/pages/3.html").body();
            site.link(3, "/broken/1");
            site.link(3, "/broken/2");

            String after = get(site, "/pages/3.html").body();
            assertThat(after).isEqualTo(before.replace("</article>\n",
                    "</article>\n<footer><a href=\"/broken/1\">more</a> <a href=\"/broken/2\">more</a> </footer>\n"));
            assertThat(get(site, "/pages/4.html").body()).doesNotContain("/broken/");
        }
    }

    @Test
    void nearDuplicatePagesServeTheirOriginalWithAFooterAndKeepEveryPageReachable() throws Exception {
        try (TestSite site = TestSite.builder().pages(120).linksPerPage(10).depth(3).nearDuplicates(3).build().start()) {
            assertThat(site.nearDuplicatePaths()).containsExactly(
                    Map.entry("/pages/117.html", "/pages/114.html"),
                    Map.entry("/pages/118.html", "/pages/115.html"),
                    Map.entry("/pages/119.html", "/pages/116.html"));
            String original = get(site, "/pages/114.html").body();
            String copy = get(site, "/pages/117.html").body();
            assertThat(copy).isEqualTo(original.replace("</article>\n", "</article>\n<footer>mirror</footer>\n"));
            assertThat(get(site, "/pages/115.html").body()).doesNotContain("Streams of pages flow");
            assertThat(reachable(site)).isEqualTo(site.pagePaths()).hasSize(120);
        }
        assertThatThrownBy(() -> TestSite.builder().pages(120).linksPerPage(10).depth(3).nearDuplicates(60).build())
                .hasMessageContaining("60 near-duplicate pairs need 120 leaf pages");
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

    /** The paths reachable from the root, checking level by level that the site's depths match the links. */
    private Set<String> reachable(TestSite site) throws Exception {
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
        return seen;
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
