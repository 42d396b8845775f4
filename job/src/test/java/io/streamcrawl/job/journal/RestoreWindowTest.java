package io.streamcrawl.job.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The pages recorded since a restored checkpoint are read from its earliest subtask time, less the clock skew. */
class RestoreWindowTest {
    @Test
    void startsAtTheEarliestCheckpointTimeOfAllSubtasksLessTheClockSkew() {
        assertThat(RestoreWindow.start(List.of(50_000L, 42_000L, 47_500L), Duration.ofSeconds(10)))
                .isEqualTo(OptionalLong.of(32_000L));
        assertThat(RestoreWindow.start(List.of(42_000L), Duration.ZERO)).isEqualTo(OptionalLong.of(42_000L));
    }

    @Test
    void isEmptyWithoutCheckpointTimesAsOnAFreshStartOrFromAnOlderBuildsState() {
        assertThat(RestoreWindow.start(List.of(), Duration.ofSeconds(10))).isEmpty();
        assertThat(new RestoreWindow().start(Duration.ofSeconds(10))).isEmpty();
        assertThat(new RestoreWindow().end()).isEmpty();
    }
}
