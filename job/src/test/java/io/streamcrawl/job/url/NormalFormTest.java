package io.streamcrawl.job.url;

import io.streamcrawl.testing.DocSiteGenerator;
import io.streamcrawl.testing.DocSiteGraph;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shortcut of {@link NormalForm} must never change what {@link UrlNormalizer#normalize} gives:
 * every URL it accepts is compared with crawler-commons' result, on the links of the benchmark
 * site and on URLs generated from the parts where normalization changes something.
 */
class NormalFormTest {
    private static final String[] SCHEMES = {"http", "https", "HTTP", "Https"};
    private static final String[] HOSTS = {
        "example.org", "Example.org", "a-b.example.org", "-a.example.org", "a-.example.org", "1.2.3.4",
        "127.0.0.1", "01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4.5", "123", "a.123", "123.a", "xn--bcher-kva.example",
        "bücher.example", "my_host.example.org", "example.org.", "a..b", ".a", "localhost", "", "a%2eb",
        "user@example.org", "user:pw@example.org", "[::1]", "a b",
    };
    private static final String[] PORTS = {"", "", "", ":80", ":443", ":8080", ":18090", ":0", ":08080", ":65535", ":65536", ":", ":99999", ":8a"};
    private static final String[] SEGMENTS = {
        "docs", "a", "index.html", "", ".", "..", ".well-known", "a.", "b..", "%7E", "%7e", "%2f", "%2F", "%zz", "%", "a b",
        "~user", "!", "$", "'", "(x)", "*", "+", ",", ";", "=", ":", "@", "\\", "|", "ü", "\"", "<", "^", "`", "{", "[", "a_b", "A-Z",
    };
    private static final String[] PARAMS = {"a=1", "b=2", "a=2", "c", "c=", "=x", "", "a==", "b=x=y", "q=a%20b", "q=a b", "p=/x?y", "Z=1", "é=1"};
    private static final String[] FRAGMENTS = {"", "", "#", "#top", "#a b", "#%zz"};

    @Test
    void acceptsOnlyWhatTheFullNormalizerLeavesUnchangedOnGeneratedUrls() {
        Random random = new Random(7);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            String url = pick(random, SCHEMES) + "://" + pick(random, HOSTS) + pick(random, PORTS) + path(random)
                    + query(random) + pick(random, FRAGMENTS);
            accepted += checkAgreement(url) ? 1 : 0;
        }
        // The generated URLs must exercise the shortcut, not only the full normalizer.
        assertThat(accepted).isGreaterThan(5_000);
    }

    @Test
    void acceptsEveryLinkOfTheBenchmarkSiteAsTheFullNormalizerDoes() throws MalformedURLException {
        DocSiteGraph graph = new DocSiteGraph(2_000, 42);
        int accepted = 0;
        int httpLinks = 0;
        for (int page = 0; page < 200; page++) {
            String pageUrl = "http://127.0.0.1:18090" + graph.pathOf(page);
            Document document = Jsoup.parse(DocSiteGenerator.render(graph, page), pageUrl);
            for (Element anchor : document.select("a[href]")) {
                String url = new URL(new URL(pageUrl), anchor.attr("href")).toExternalForm();
                httpLinks += UrlNormalizer.normalize(url).isPresent() ? 1 : 0;
                accepted += checkAgreement(url) ? 1 : 0;
            }
        }
        // java.net.URL already resolved the dot segments: every http link takes the shortcut.
        assertThat(accepted).isEqualTo(httpLinks).isGreaterThan(20_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://example.org/", "https://example.org:8443/a/b.html", "http://127.0.0.1:18090/docs/x/",
        "http://a-b.example.org/a;b=c/d:e@f", "http://example.org/?a=1&a=0&b", "http://example.org/a?b=x=y&c=?/",
    })
    void acceptsUrlsInNormalForm(String url) {
        assertThat(NormalForm.isNormal(url)).isTrue();
        assertThat(UrlNormalizer.normalizeFully(url)).contains(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://example.org", "HTTP://example.org/", "http://Example.org/", "http://example.org:80/", "https://example.org:443/",
        "http://example.org./", "http://example.org//a", "http://example.org/./a", "http://example.org/a/../b",
        "http://example.org/%7E", "http://example.org/a b", "http://example.org/?b=1&a=1", "http://example.org/?",
        "http://example.org/?a=", "http://example.org/?a&&b", "http://1.2.3/", "http://my_host.example.org/",
    })
    void leavesTheRestToTheFullNormalizer(String url) {
        assertThat(NormalForm.isNormal(url)).isFalse();
    }

    /** Whether the shortcut takes the URL; when it does, normalize() must equal the full normalizer. */
    private static boolean checkAgreement(String url) {
        String candidate = url.strip();
        int fragment = candidate.indexOf('#');
        boolean accepted = NormalForm.isNormal(fragment < 0 ? candidate : candidate.substring(0, fragment));
        if (accepted) {
            Optional<String> full = UrlNormalizer.normalizeFully(candidate);
            assertThat(UrlNormalizer.normalize(url)).as("normalize(%s)", url).isEqualTo(full);
        }
        return accepted;
    }

    private static String path(Random random) {
        StringBuilder path = new StringBuilder();
        int segments = random.nextInt(5);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(random.nextInt(3) == 0 ? pick(random, SEGMENTS) : "p" + random.nextInt(100));
            if (random.nextInt(4) == 0) {
                path.append(pick(random, SEGMENTS));
            }
        }
        return random.nextInt(10) == 0 ? "" : path.length() == 0 ? "/" : path.toString();
    }

    private static String query(Random random) {
        if (random.nextBoolean()) {
            return "";
        }
        List<String> params = new ArrayList<>();
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            params.add(random.nextInt(3) == 0 ? pick(random, PARAMS) : (char) ('a' + random.nextInt(4)) + "=" + random.nextInt(10));
        }
        if (random.nextBoolean()) {
            params.sort(null);
        }
        return "?" + String.join("&", params);
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
