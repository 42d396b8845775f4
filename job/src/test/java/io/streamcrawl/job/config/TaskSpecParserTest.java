package io.streamcrawl.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskSpecParserTest {
    @Test
    void aSpecWithOnlySeedsGetsTheDocumentedDefaults() {
        TaskSpecParser.Result result = TaskSpecParser.parse("{\"seeds\": [\"https://example.org/\"]}");

        assertThat(result.rejection()).isNull();
        TaskSpec spec = result.spec();
        assertThat(spec.maxDepth()).isEqualTo(16);
        assertThat(spec.maxPages()).isZero();
        assertThat(spec.maxUrlLength()).isEqualTo(2048);
        assertThat(spec.politeness().delayMs()).isEqualTo(1000);
        assertThat(spec.politeness().maxInFlightPerHost()).isEqualTo(1);
        assertThat(spec.robots().obey()).isTrue();
        assertThat(spec.fetch().timeoutMs()).isEqualTo(30_000);
        assertThat(spec.fetch().maxBytes()).isEqualTo(10_485_760L);
        assertThat(spec.fetch().contentTypes()).containsExactly("text/html", "application/xhtml+xml");
        assertThat(spec.scope().hosts()).isEmpty();
        assertThat(spec.scope().allowPrivate()).isFalse();
        assertThat(spec.scope().allowPrivateHosts()).isEmpty();
    }

    @Test
    void everyFieldOfTheDesignIsAccepted() {
        String json = """
                {"seeds": ["https://example.org/"],
                 "scope": {"hosts": ["example.org", "*.example.org"], "include": ["/docs/"], "exclude": ["\\\\.pdf$"],
                           "allowPrivate": false, "allowPrivateHosts": ["127.0.0.1", "intranet.local"]},
                 "maxDepth": 3, "maxPages": 100, "maxPagesPerHost": 10, "maxUrlLength": 512,
                 "politeness": {"delayMs": 0, "maxInFlightPerHost": 4, "maxCrawlDelayMs": 5000},
                 "robots": {"obey": false, "sitemaps": true},
                 "fetch": {"userAgent": "bot/1", "timeoutMs": 1000, "maxBytes": 1000, "contentTypes": ["text/html"],
                           "maxRedirects": 2},
                 "recrawlAfter": "P7D", "priority": 5}
                """;

        TaskSpec spec = TaskSpecParser.parse(json).spec();

        assertThat(spec.maxDepth()).isEqualTo(3);
        assertThat(spec.scope().exclude()).containsExactly("\\.pdf$");
        assertThat(spec.scope().allowPrivateHosts()).containsExactly("127.0.0.1", "intranet.local");
        assertThat(spec.politeness().maxInFlightPerHost()).isEqualTo(4);
        assertThat(spec.fetch().userAgent()).isEqualTo("bot/1");
        assertThat(spec.priority()).isEqualTo(5);
    }

    @Test
    void unknownFieldsAreRejectedWithTheirName() {
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"maxDepht\": 3}").rejection())
                .isEqualTo("unknown field 'maxDepht'");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"politeness\": {\"delay\": 3}}").rejection())
                .isEqualTo("unknown field 'delay' in politeness");
    }

    @Test
    void invalidValuesAreRejectedWithReasons() {
        assertThat(TaskSpecParser.parse("{}").rejection()).contains("seeds: at least one seed URL is required");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"ftp://a.org/\"]}").rejection()).contains("'ftp://a.org/' is not an http(s) URL");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"maxDepth\": -1}").rejection())
                .isEqualTo("maxDepth: must be >= 0, got -1");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"scope\": {\"include\": [\"(\"]}}").rejection())
                .isEqualTo("scope.include: '(' is not a regular expression");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"recrawlAfter\": \"weekly\"}").rejection())
                .contains("recrawlAfter");
        assertThat(recrawl("\"recrawlAfter\": \"P1D\", \"recrawlMin\": \"PT6H\", \"recrawlMax\": \"P30D\"")).isNull();
        assertThat(recrawl("\"recrawlMin\": \"PT6H\"")).isEqualTo("recrawlMin, recrawlMax: only with recrawlAfter");
        assertThat(recrawl("\"recrawlAfter\": \"P1D\", \"recrawlMin\": \"P2D\""))
                .isEqualTo("recrawlMin: must not be longer than recrawlAfter");
        assertThat(recrawl("\"recrawlAfter\": \"P1D\", \"recrawlMax\": \"PT1H\""))
                .isEqualTo("recrawlMax: must not be shorter than recrawlAfter");
        assertThat(recrawl("\"recrawlAfter\": \"P1D\", \"recrawlMin\": \"PT0S\"")).isEqualTo("recrawlMin: must be longer than zero");
        assertThat(recrawl("\"recrawlAfter\": \"P1D\", \"recrawlMax\": \"monthly\""))
                .isEqualTo("recrawlMax: 'monthly' is not an ISO-8601 duration such as P7D");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"scope\": {\"allowPrivateHosts\": [\"*.lan\"]}}")
                .rejection()).isEqualTo("scope.allowPrivateHosts: '*.lan' is not a host");
        assertThat(TaskSpecParser.parse("{\"seeds\": ").rejection()).startsWith("invalid JSON");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"maxDepth\": \"x\"}").rejection())
                .isEqualTo("maxDepth: must be an integer");
    }

    @Test
    void aValueOfTheWrongTypeIsRejectedWithItsField() {
        for (String notAnInteger : new String[] {"\"high\"", "\"5\"", "1.5", "2.0", "true", "[1]", "{}"}) {
            assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"priority\": " + notAnInteger + "}").rejection())
                    .as(notAnInteger).isEqualTo("priority: must be an integer");
        }
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"politeness\": {\"delayMs\": 0.5}}").rejection())
                .isEqualTo("politeness.delayMs: must be an integer");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"robots\": {\"obey\": []}}").rejection())
                .isEqualTo("robots.obey: must be true or false");
        assertThat(TaskSpecParser.parse("{\"seeds\": \"https://a.org/\"}").rejection()).isEqualTo("seeds: must be a list");
        assertThat(TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], \"priority\": -3}").spec().priority()).isEqualTo(-3);
    }

    /** The rejection of a spec with these recrawl fields, null when it is accepted. */
    private static String recrawl(String fields) {
        return TaskSpecParser.parse("{\"seeds\": [\"https://a.org/\"], " + fields + "}").rejection();
    }
}
