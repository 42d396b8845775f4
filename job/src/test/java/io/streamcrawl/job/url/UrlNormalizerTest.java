package io.streamcrawl.job.url;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class UrlNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.org/a#frag                   | http://example.org/a",
        "https://example.org/#                       | https://example.org/",
        "HTTP://Example.ORG/Path                     | http://example.org/Path",
        "http://example.org:80/a                     | http://example.org/a",
        "https://example.org:443/a                   | https://example.org/a",
        "http://example.org:8080/a                   | http://example.org:8080/a",
        "https://example.org:80/a                    | https://example.org:80/a",
        "http://example.org                          | http://example.org/",
        "http://example.org/a/./b/../c               | http://example.org/a/c",
        "http://example.org/%7Euser/a%2fb            | http://example.org/~user/a%2Fb",
        "http://example.org/a b                      | http://example.org/a%20b",
        "http://example.org/?b=2&a=1                 | http://example.org/?a=1&b=2",
        "http://example.org/a?                       | http://example.org/a",
        "'  http://example.org/a  '                  | http://example.org/a",
        "http://example.org./                        | http://example.org/",
        "http://bücher.example/                      | http://xn--bcher-kva.example/",
        "http://127.0.0.1:8080/pages/1.html          | http://127.0.0.1:8080/pages/1.html",
        "http://my_host.example.org/                 | http://my_host.example.org/",
        "http://[::1]:8080/x                         | http://[::1]:8080/x",
        "http://[2001:db8::1]/                       | http://[2001:db8::1]/",
        "HTTP://[2001:DB8:0:0::0001]:80/a/../b?z=1&a=2#f | http://[2001:db8::1]/b?a=2&z=1",
        "https://user:pw@[2001:db8::1]:443           | https://[2001:db8::1]/",
        "http://[0:0:0:0:0:0:0:1]:8443/              | http://[::1]:8443/",
        "http://[::ffff:127.0.0.1]/a                 | http://127.0.0.1/a",
    })
    void normalizes(String input, String expected) {
        assertThat(UrlNormalizer.normalize(input)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "not a url", "example.org/a", "//example.org/a", "/relative/path", "relative.html",
        "mailto:web@example.org", "javascript:void(0)", "ftp://example.org/file", "file:///etc/passwd",
        "data:text/html,hi", "http://", "http:///path", "http://exa mple.org/", "http://[::1/", "http://%zz/",
        "tel:+123456", "http://[::g]/", "http://[1:2:3:4:5:6:7:8:9]/", "http://[fe80::1%25eth0]/", "http://[example.org]/",
        "http://[]/", "http://[::1]x/",
    })
    void rejects(String input) {
        assertThat(UrlNormalizer.normalize(input)).isEmpty();
    }

    @Test
    void rejectsNull() {
        assertThat(UrlNormalizer.normalize(null)).isEmpty();
        assertThat(UrlNormalizer.resolve(null, "/a")).isEmpty();
        assertThat(UrlNormalizer.resolve("http://example.org/", null)).isEmpty();
    }

    @Test
    void isIdempotent() {
        String once = UrlNormalizer.normalize("HTTP://Example.org:80/a/../b/?z=1&a=2#x").orElseThrow();
        assertThat(UrlNormalizer.normalize(once)).contains(once);
        String ipv6 = UrlNormalizer.normalize("http://[2001:DB8::0:1]:80/a/../b/?z=1&a=2#x").orElseThrow();
        assertThat(UrlNormalizer.normalize(ipv6)).contains(ipv6);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "http://example.org/a/b.html | c.html                 | http://example.org/a/c.html",
        "http://example.org/a/b.html | ../c.html              | http://example.org/c.html",
        "http://example.org/a/b.html | /c.html                | http://example.org/c.html",
        "http://example.org/a/b.html | //other.org/x          | http://other.org/x",
        "https://example.org/a/b     | //other.org/x          | https://other.org/x",
        "http://example.org/a/b.html | ?q=1                   | http://example.org/a/b.html?q=1",
        "http://example.org/a/b.html | '#top'                 | http://example.org/a/b.html",
        "http://example.org/a/b.html | ''                     | http://example.org/a/b.html",
        "http://example.org/a/b.html | HTTPS://Other.ORG:443/ | https://other.org/",
        "http://example.org/a/       | 'c d.html'             | http://example.org/a/c%20d.html",
        "http://example.org/../a/    | ../../x                | http://example.org/x",
        "http://[::1]:8080/a/b.html  | ../c.html?y=1&x=2      | http://[::1]:8080/c.html?x=2&y=1",
        "http://example.org/a/       | '//[2001:DB8::1]/z'    | http://[2001:db8::1]/z",
    })
    void resolvesRelativeLinks(String base, String href, String expected) {
        assertThat(UrlNormalizer.resolve(base, href)).contains(expected);
    }

    @Test
    void dropsTabsAndNewlinesInLinks() {
        assertThat(UrlNormalizer.resolve("http://example.org/a/", " c\n.ht\tml\r\n")).contains("http://example.org/a/c.html");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mailto:web@example.org", "javascript:void(0)", "ftp://example.org/", "data:,x", "http://"})
    void resolvesNonHttpLinksToNothing(String href) {
        assertThat(UrlNormalizer.resolve("http://example.org/", href)).isEmpty();
    }

    @Test
    void resolvesNothingAgainstAnInvalidBase() {
        assertThat(UrlNormalizer.resolve("not a url", "/a")).isEmpty();
        assertThat(UrlNormalizer.resolve("mailto:x@example.org", "/a")).isEmpty();
    }
}
