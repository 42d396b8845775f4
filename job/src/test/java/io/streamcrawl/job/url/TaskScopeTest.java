package io.streamcrawl.job.url;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaskScopeTest {
    private static final String[] NONE = {};

    @Test
    void exactHostMatchesOnlyThatHost() {
        TaskScope scope = new TaskScope(new String[] {"example.org"}, NONE, NONE, 0);
        assertThat(scope.allows("https://example.org/a")).isTrue();
        assertThat(scope.allows("http://example.org:8080/a")).isTrue();
        assertThat(scope.allows("https://www.example.org/a")).isFalse();
        assertThat(scope.allows("https://badexample.org/a")).isFalse();
        assertThat(scope.allows("https://example.org.evil.com/a")).isFalse();
        assertThat(scope.allows("https://evil.com/?u=https://example.org/")).isFalse();
    }

    @Test
    void wildcardMatchesTheDomainAndItsSubdomains() {
        TaskScope scope = new TaskScope(new String[] {"*.Example.org"}, NONE, NONE, 0);
        assertThat(scope.allows("https://example.org/")).isTrue();
        assertThat(scope.allows("https://www.example.org/")).isTrue();
        assertThat(scope.allows("https://a.b.example.org/")).isTrue();
        assertThat(scope.allows("https://badexample.org/")).isFalse();
        assertThat(scope.allows("https://example.org.evil.com/")).isFalse();
        assertThat(scope.allows("https://org/")).isFalse();
    }

    @Test
    void starMatchesAnyHostAndNoPatternsMatchNone() {
        assertThat(new TaskScope(new String[] {"*"}, NONE, NONE, 0).allows("https://anything.example/")).isTrue();
        assertThat(new TaskScope(NONE, NONE, NONE, 0).allows("https://example.org/")).isFalse();
        assertThat(new TaskScope(null, null, null, 0).allows("https://example.org/")).isFalse();
    }

    @Test
    void excludeWinsOverInclude() {
        TaskScope scope = new TaskScope(
                new String[] {"example.org"}, new String[] {"/news/", "/blog/"}, new String[] {"\\.pdf$", "[?&]session="}, 0);
        assertThat(scope.allows("https://example.org/news/1.html")).isTrue();
        assertThat(scope.allows("https://example.org/blog/x")).isTrue();
        assertThat(scope.allows("https://example.org/about")).isFalse();
        assertThat(scope.allows("https://example.org/news/report.pdf")).isFalse();
        assertThat(scope.allows("https://example.org/news/?session=42")).isFalse();
    }

    @Test
    void emptyIncludeAllowsAllButExcluded() {
        TaskScope scope = new TaskScope(new String[] {"example.org"}, NONE, new String[] {"/private/"}, 0);
        assertThat(scope.allows("https://example.org/anything")).isTrue();
        assertThat(scope.allows("https://example.org/private/x")).isFalse();
    }

    @Test
    void limitsUrlLength() {
        TaskScope scope = new TaskScope(new String[] {"example.org"}, NONE, NONE, 30);
        String atLimit = "https://example.org/" + "a".repeat(10);
        assertThat(atLimit).hasSize(30);
        assertThat(scope.allows(atLimit)).isTrue();
        assertThat(scope.allows(atLimit + "b")).isFalse();
        assertThat(new TaskScope(new String[] {"example.org"}, NONE, NONE, 0).allows(atLimit + "b".repeat(10_000))).isTrue();
    }

    @Test
    void invalidRegexMatchesNothingAndIsReported() {
        TaskScope scope = new TaskScope(new String[] {"example.org"}, new String[] {"(unclosed"}, new String[] {"[bad"}, 0);
        assertThat(scope.allows("https://example.org/(unclosed")).isFalse();
        assertThat(scope.firstInvalidPattern()).hasValueSatisfying(reason -> assertThat(reason).contains("(unclosed"));
        TaskScope excludeOnly = new TaskScope(new String[] {"example.org"}, NONE, new String[] {"[bad"}, 0);
        assertThat(excludeOnly.allows("https://example.org/[bad")).isTrue();
        assertThat(excludeOnly.firstInvalidPattern()).hasValueSatisfying(reason -> assertThat(reason).contains("[bad"));
    }

    @Test
    void reportsInvalidHostPatterns() {
        assertThat(new TaskScope(new String[] {"example.org", "*.example.org", "*"}, NONE, NONE, 0).firstInvalidPattern()).isEmpty();
        assertThat(new TaskScope(new String[] {"[2001:db8::1]", "2001:DB8::2", "[::1]"}, NONE, NONE, 0).firstInvalidPattern())
                .isEmpty();
        for (String bad : new String[] {"", "www.*.org", "*example.org", "*.", "a*", "*.[::1]", "[::g]", "example.org:8080",
                "[fe80::1%eth0]"}) {
            assertThat(new TaskScope(new String[] {bad}, NONE, NONE, 0).firstInvalidPattern()).as(bad).isPresent();
        }
    }

    @Test
    void hostPatternsNameIpv6AddressesInAnyOfTheirForms() {
        TaskScope scope = new TaskScope(new String[] {"[2001:DB8:0::1]", "::1"}, NONE, NONE, 0);
        assertThat(scope.allows("http://[2001:db8::1]/x")).isTrue();
        assertThat(scope.allows("http://[::1]:8080/x")).isTrue();
        assertThat(scope.allows("http://[2001:db8::2]/x")).isFalse();
        assertThat(scope.allows("http://127.0.0.1/x")).isFalse();

        TaskScope ofSeeds = TaskScope.ofSeeds(List.of("http://[2001:DB8::1]:8080/start"));
        assertThat(ofSeeds.hosts()).containsExactly("[2001:db8::1]");
        assertThat(ofSeeds.allows(UrlNormalizer.normalize("http://[2001:db8:0::1]:8080/other").orElseThrow())).isTrue();
    }

    @Test
    void defaultScopeIsTheSeedsHosts() {
        TaskScope scope = TaskScope.ofSeeds(List.of(
                "https://Example.org/start", "https://example.org/other", "http://news.example.com:8080/", "not a url"));
        assertThat(scope.hosts()).containsExactly("example.org", "news.example.com");
        assertThat(scope.include()).isEmpty();
        assertThat(scope.exclude()).isEmpty();
        assertThat(scope.allows("https://example.org/x")).isTrue();
        assertThat(scope.allows("https://news.example.com/y")).isTrue();
        assertThat(scope.allows("https://www.example.org/x")).isFalse();
        assertThat(TaskScope.ofSeeds(List.of("https://example.org/"), 2048).maxUrlLength()).isEqualTo(2048);
    }

    @Test
    void equalityComparesContents() {
        TaskScope a = new TaskScope(new String[] {"example.org"}, new String[] {"x"}, NONE, 10);
        TaskScope b = new TaskScope(new String[] {"example.org"}, new String[] {"x"}, new String[0], 10);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new TaskScope(new String[] {"example.org"}, NONE, NONE, 10));
        assertThat(a.toString()).contains("example.org");
    }
}
