package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.url.UrlFingerprint;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class HostSeenTest {
    private static final UrlFingerprint URL = UrlFingerprint.of("t\nhttp://a.org/x");
    private final HostSeen seen = new HostSeen(new MemoryMapState<>(), new SplittableRandom(1));

    @Test
    void aUrlIsNewOnce() throws Exception {
        assertThat(seen.firstSeen(URL, 5)).isTrue();
        assertThat(seen.firstSeen(URL, 6)).isFalse();
    }

    @Test
    void onlyARetryOfTheLatestReleaseIsTakenBackAndOnlyOnce() throws Exception {
        seen.firstSeen(URL, 5);
        long first = seen.released(URL);
        long second = seen.released(URL);

        assertThat(first).isNegative();
        assertThat(seen.takeBack(URL, first, 10)).as("a release a restore undid").isFalse();
        assertThat(seen.takeBack(URL, second, 10)).isTrue();
        assertThat(seen.takeBack(URL, second, 11)).as("a second retry of the same release").isFalse();
        assertThat(seen.firstSeen(URL, 12)).as("taken back, still seen").isFalse();
        assertThat(seen.takeBack(UrlFingerprint.of("t\nhttp://a.org/never"), second, 13)).isFalse();
        assertThat(seen.takeBack(URL, 0, 14)).as("a retry of an older build carries no token").isTrue();
    }
}
