package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;

import org.junit.jupiter.api.Test;

class HostPacingTest {
    private final MemoryHost host = new MemoryHost();
    private final HostPacing pacing = host.pacing;
    private final int toOpen = host.backoff.failuresToOpen();

    @Test
    void theBreakerOpensOnFailuresOfDistinctUrlsOnlyAndASuccessClosesIt() throws Exception {
        pacing.apply(MemoryHost.HOST, failed(0), 1, 10);
        pacing.apply(MemoryHost.HOST, failed(0), 1, 20);
        assertThat(pacing.openUntil()).as("one URL failing again is no evidence").isNull();
        assertThat(pacing.failing()).isTrue();

        for (int url = 2; url <= toOpen; url++) {
            pacing.apply(MemoryHost.HOST, failed(0), url, 20 + url);
        }
        assertThat(pacing.openUntil()).isGreaterThan(20L + toOpen);
        assertThat(host.metrics.breakersOpened.getCount()).isEqualTo(1);
        assertThat(pacing.holdForProbe(100)).as("an open breaker holds the host for its probe").isTrue();

        pacing.apply(MemoryHost.HOST, HostFeedback.of(HostSignal.OK, 200, null), 99, 200);
        assertThat(pacing.openUntil()).isNull();
        assertThat(pacing.failing()).isFalse();
        assertThat(pacing.holdForProbe(201)).isFalse();
    }

    @Test
    void failuresOfRequestsInFlightTogetherCountOnce() throws Exception {
        pacing.apply(MemoryHost.HOST, failed(5), 1, 10);
        for (int url = 2; url <= toOpen + 2; url++) {
            pacing.apply(MemoryHost.HOST, failed(5), url, 10 + url); // released at 5, before the first step at 10
        }

        assertThat(pacing.openUntil()).isNull();
        assertThat(host.metrics.breakersOpened.getCount()).isZero();
    }

    @Test
    void aHostWhoseBreakerStaysOpenIsGivenUpAndAnIdleOneForgetsItsPace() throws Exception {
        for (int url = 1; url <= toOpen; url++) {
            pacing.apply(MemoryHost.HOST, failed(0), url, 10);
        }
        assertThat(pacing.givenUp(10 + host.backoff.giveUp().toMillis() - 1)).isFalse();
        assertThat(pacing.givenUp(10 + host.backoff.giveUp().toMillis())).isTrue();

        long pausedUntil = pacing.nextFetchAt();
        assertThat(pacing.forgetLapsed(pausedUntil - 1)).as("kept while paused").isEqualTo(pausedUntil);
        assertThat(pacing.forgetLapsed(pausedUntil)).isZero();
        assertThat(pacing.openUntil()).isNull();
        assertThat(pacing.nextFetchAt()).isNull();
    }

    @Test
    void aBusyFetcherAndARetryAfterPauseTheHostWithoutABreaker() throws Exception {
        pacing.apply(MemoryHost.HOST, HostFeedback.of(HostSignal.BUSY, 0, "busy"), 1, 100);
        assertThat(pacing.nextFetchAt()).isEqualTo(100 + host.settings.busyPause().toMillis());

        pacing.apply(MemoryHost.HOST, HostFeedback.builder(HostSignal.FAILED).status(429).retryAfterMs(60_000).build(), 2, 100);
        assertThat(pacing.nextFetchAt()).isEqualTo(100 + 60_000);
        assertThat(pacing.openUntil()).isNull();
    }

    private static HostFeedback failed(long releasedAt) {
        return HostFeedback.builder(HostSignal.FAILED).error("connect timed out").cause(FailureCause.CONNECT)
                .releasedAt(releasedAt).build();
    }
}
