package io.streamcrawl.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class TaskSpecSeedsTest {
    @Test
    void aSpecWithoutSeedsTakesTheCommandLineSeedsAndAllowsTheirHosts() {
        String merged = TaskSpecSeeds.merge("{\"politeness\": {\"delayMs\": 250}}",
                List.of("http://127.0.0.1:18080/", "https://User@Example.ORG:8443/a", "http://[::1]:9/"));

        TaskSpec spec = TaskSpecParser.parse(merged).spec();
        assertThat(spec.seeds()).containsExactly("http://127.0.0.1:18080/", "https://User@Example.ORG:8443/a", "http://[::1]:9/");
        assertThat(spec.scope().allowPrivateHosts()).containsExactly("127.0.0.1", "example.org", "[::1]");
        assertThat(spec.scope().hosts()).isEmpty();
        assertThat(spec.politeness().delayMs()).isEqualTo(250);
    }

    @Test
    void theSpecsOwnSeedsAndHostsStayAndNothingIsListedTwice() {
        String merged = TaskSpecSeeds.merge("""
                {"seeds": ["https://a.org/"],
                 "scope": {"hosts": ["a.org", "*.b.org"], "allowPrivateHosts": ["A.org"], "exclude": ["x"]}}
                """, List.of("https://a.org/", "https://a.org/more", "https://c.org/"));

        TaskSpec spec = TaskSpecParser.parse(merged).spec();
        assertThat(spec.seeds()).containsExactly("https://a.org/", "https://a.org/more", "https://c.org/");
        assertThat(spec.scope().allowPrivateHosts()).containsExactly("A.org", "c.org");
        // The spec names its hosts: a seed's host joins them, or the seed would be out of scope.
        assertThat(spec.scope().hosts()).containsExactly("a.org", "*.b.org", "c.org");
        assertThat(spec.scope().exclude()).containsExactly("x");
    }

    @Test
    void withoutCommandLineSeedsTheSpecIsLeftAsWritten() {
        assertThat(TaskSpecSeeds.merge("{\"seeds\": [] }", List.of())).isEqualTo("{\"seeds\": [] }");
    }

    @Test
    void aSpecOfTheWrongShapeIsLeftForTheParserToReject() {
        assertThat(TaskSpecSeeds.merge("not json", List.of("https://a.org/"))).isEqualTo("not json");
        assertThat(TaskSpecSeeds.merge("{\"seeds\": \"https://b.org/\"}", List.of("https://a.org/")))
                .isEqualTo("{\"seeds\": \"https://b.org/\"}");
        assertThat(TaskSpecParser.parse(TaskSpecSeeds.merge("{\"seeds\": \"https://b.org/\"}", List.of("https://a.org/")))
                .rejection()).isEqualTo("seeds: must be a list");
    }
}
