package io.streamcrawl.job.url;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LinkResolverTest {
    private static final List<String> HREFS = List.of(
            "c.html", "../c.html", "/c.html", "c.html", "#top", "?q=1", "", "//other.org/x", "mailto:a@example.org",
            "HTTP://Other.ORG:443/", "http:d.html", "HTTPS:d.html", "url:http://example.org/u", "c.html#x", "/c.html");

    @Test
    void resolvesAsUrlNormalizerDoesWithRepeatsAndAChangingBase() {
        LinkResolver resolver = new LinkResolver();
        for (String base : List.of("http://example.org/a/b.html", "https://example.org/a/", "http://example.org/a/b.html", "not a url")) {
            for (String href : HREFS) {
                assertThat(resolver.resolve(base, href)).as("%s + %s", base, href).isEqualTo(UrlNormalizer.resolve(base, href));
            }
        }
    }

    @Test
    void resolvesNothingForNulls() {
        LinkResolver resolver = new LinkResolver();
        assertThat(resolver.resolve(null, "/a")).isEmpty();
        assertThat(resolver.resolve("http://example.org/", null)).isEmpty();
    }

    /** Paths from the root skip java.net.URL when it would only append them to the base's scheme and authority. */
    @Test
    void resolvesPathsFromTheRootAsJavaNetUrlDoes() throws MalformedURLException {
        List<String> bases = List.of("http://example.org/a/b.html", "https://Example.ORG:443/a/", "http://u:p@example.org:8080/x?q#f",
                "http://[::1]:80/", "https://xn--bcher-kva.example/d", "http://127.0.0.1:18090/docs/a/b.html");
        List<String> hrefs = List.of("/", "/c.html", "/a/b/", "/a/b.html?x=1&b=2#frag", "/a#f?g", "/a?b/./c", "/%41%7e",
                "/a b", "/\u00e9t\u00e9", "/a\u0001", "/a\u0001b", "/./a", "/a/../b", "/a/.", "/a/..", "/.hidden", "/a/.b/c",
                "//other.org/x", "/a:b", "/A/B.HTML", "/a//b", "/a\\b", "/a?", "/a#", "/?q", "/#top", "/a%2e%2e/b");
        for (String base : bases) {
            for (String href : hrefs) {
                Optional<String> viaUrl;
                try {
                    viaUrl = UrlNormalizer.normalize(new URL(new URL(base), href).toExternalForm());
                } catch (MalformedURLException e) {
                    viaUrl = Optional.empty();
                }
                assertThat(UrlNormalizer.resolve(base, href)).as("%s + %s", base, href).isEqualTo(viaUrl);
            }
        }
    }

    /** Hrefs skipped for their scheme resolve to nothing through java.net.URL and normalize() too. */
    @ParameterizedTest
    @ValueSource(strings = {
        "mailto:a@example.org", "javascript:void(0)", "tel:+123", "ftp://example.org/", "data:,x", "c:/x", "file:///etc/passwd",
        "jar:file:/x!/y", "news:comp.lang", "a.b+c-d:x", "Mailto:x", "http:x.html", "https:x.html", "a b:c", "x/y:z", "#a:b",
    })
    void skipsOnlyHrefsThatCannotGiveAnHttpUrl(String href) {
        String base = "http://example.org/a/b.html";
        Optional<String> withoutShortcut;
        try {
            withoutShortcut = UrlNormalizer.normalize(new URL(new URL(base), href).toExternalForm());
        } catch (MalformedURLException e) {
            withoutShortcut = Optional.empty();
        }
        assertThat(UrlNormalizer.resolve(base, href)).isEqualTo(withoutShortcut);
    }
}
