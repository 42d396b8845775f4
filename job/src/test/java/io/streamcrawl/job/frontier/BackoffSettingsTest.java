package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BackoffSettingsTest {
    private final BackoffSettings settings =
            new BackoffSettings(3, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(1),
                    Duration.ofSeconds(2), Duration.ofHours(1));
    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void honoursRetryAfterUpToItsCapBeforeTheBreakerOpens() {
        assertThat(settings.pauseMs(1, -1, random)).isZero();
        assertThat(settings.pauseMs(2, 0, random)).isZero();
        assertThat(settings.pauseMs(1, 2_000, random)).isEqualTo(2_000);
        assertThat(settings.pauseMs(2, Duration.ofDays(1).toMillis(), random)).isEqualTo(Duration.ofHours(1).toMillis());
    }

    @Test
    void anOpenBreakerPausesLongerWithEachFailureJitteredAndCapped() {
        for (int i = 0; i < 100; i++) {
            assertThat(settings.pauseMs(3, -1, random)).isBetween(5_000L, 14_999L);
            assertThat(settings.pauseMs(4, -1, random)).isBetween(10_000L, 29_999L);
            assertThat(settings.pauseMs(5, -1, random)).isBetween(20_000L, 59_999L);
            assertThat(settings.pauseMs(40, -1, random)).isBetween(150_000L, 300_000L);
        }
        assertThat(settings.pauseMs(3, 60_000, random)).as("a longer Retry-After wins").isEqualTo(60_000);
    }

    @Test
    void aFailedUrlWaitsTwiceAsLongForEachRetryAtLeastItsRetryAfterAndAtMostTheLongestPause() {
        assertThat(settings.retryDelayMs(1, -1)).isEqualTo(2_000);
        assertThat(settings.retryDelayMs(2, -1)).isEqualTo(4_000);
        assertThat(settings.retryDelayMs(3, -1)).isEqualTo(8_000);
        assertThat(settings.retryDelayMs(30, -1)).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(settings.retryDelayMs(1, 7_000)).as("a longer Retry-After wins").isEqualTo(7_000);
    }
}
