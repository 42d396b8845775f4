package io.streamcrawl.job.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.config.TaskSpecParser;

import org.junit.jupiter.api.Test;

class SpecEditsTest {
    private static final String SPEC = "{\"seeds\": [\"https://a.example/\"], \"politeness\": {\"maxInFlightPerHost\": 3},"
            + " \"maxDepth\": 4}";

    @Test
    void theLimitBecomesMaxPagesAndTheRestStays() {
        TaskSpec spec = parse(SpecEdits.withMaxPages(SPEC, 250));

        assertThat(spec.maxPages()).isEqualTo(250);
        assertThat(spec.maxDepth()).isEqualTo(4);
        assertThat(spec.politeness().maxInFlightPerHost()).isEqualTo(3);
    }

    @Test
    void theDelayBecomesPolitenessDelayMsAlsoWhenTheSpecHasNoPoliteness() {
        assertThat(parse(SpecEdits.withDelayMs(SPEC, 1500)).politeness())
                .isEqualTo(new TaskSpec.Politeness(1500L, 3, null));
        assertThat(parse(SpecEdits.withDelayMs("{\"seeds\": [\"https://a.example/\"]}", 0)).politeness().delayMs()).isZero();
    }

    @Test
    void aSpecTheEditWouldMakeInvalidOrThatIsNoObjectIsRefused() {
        assertThatThrownBy(() -> SpecEdits.withMaxPages("{\"seeds\": []}", 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seeds");
        assertThatThrownBy(() -> SpecEdits.withMaxPages("[1]", 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
    }

    private static TaskSpec parse(String json) {
        TaskSpecParser.Result result = TaskSpecParser.parse(json);
        assertThat(result.accepted()).as(result.rejection()).isTrue();
        return result.spec();
    }
}
