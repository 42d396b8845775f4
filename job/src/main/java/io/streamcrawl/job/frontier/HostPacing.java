package io.streamcrawl.job.frontier;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the current host may be asked next, in keyed state: the spacing after each release, and
 * the pauses the fetch side asks for through host signals (a busy fetcher, a Retry-After, the
 * circuit breaker of {@link HostBackoff}). Valid only for the key the state is scoped to when
 * called.
 */
final class HostPacing {
    private static final Logger LOG = LoggerFactory.getLogger(HostPacing.class);

    private final ValueState<Long> nextFetchAt;
    private final ValueState<HostBackoff> backoff;
    private final BackoffSettings settings;
    private final Duration busyPause;
    private final RandomGenerator jitter = new SplittableRandom();
    private final Counter backoffs;
    private final Counter breakersOpened;

    HostPacing(ValueState<Long> nextFetchAt, ValueState<HostBackoff> backoff, BackoffSettings settings,
            Duration busyPause, MetricGroup metrics) {
        this.nextFetchAt = nextFetchAt;
        this.backoff = backoff;
        this.settings = settings;
        this.busyPause = busyPause;
        this.backoffs = metrics.counter("crawler_host_backoffs_total");
        this.breakersOpened = metrics.counter("crawler_host_breakers_opened_total");
    }

    /** The earliest time of the host's next release; null when it may go at once. */
    Long nextFetchAt() throws Exception {
        return nextFetchAt.value();
    }

    /** A request was released at {@code now}: the next waits {@code spacingMs}. */
    void released(long now, long spacingMs) throws Exception {
        nextFetchAt.update(now + spacingMs);
    }

    /** Whether the host has failures since its last success, so a success must be reported to close its breaker. */
    boolean failing() throws Exception {
        return backoff.value() != null;
    }

    /** Applies what a fetch told about the host. */
    void apply(String host, HostFeedback feedback, long now) throws Exception {
        if (feedback == null || feedback.signal() == null) {
            return;
        }
        switch (feedback.signal()) {
            case BUSY -> pauseUntil(now + busyPause.toMillis());
            case FAILED -> {
                HostBackoff current = backoff.value();
                int failures = (current == null ? 0 : current.failures()) + 1;
                backoff.update(new HostBackoff(failures));
                long pause = settings.pauseMs(failures, feedback.retryAfterMs(), jitter);
                if (pause > 0) {
                    backoffs.inc();
                    pauseUntil(now + pause);
                }
                if (failures == settings.failuresToOpen()) {
                    breakersOpened.inc();
                    LOG.info("Host {}: {} failures in a row ({}), backing off", host, failures,
                            feedback.error() != null ? feedback.error() : "HTTP " + feedback.status());
                }
            }
            case OK -> {
                HostBackoff current = backoff.value();
                if (current != null && current.failures() >= settings.failuresToOpen()) {
                    LOG.info("Host {}: answering again after {} failures", host, current.failures());
                }
                backoff.clear();
            }
            case REFUSED -> { } // about one task's permission, not about the host
        }
    }

    /**
     * Forgets the pacing of an idle host once its pause has passed at {@code now}: the spacing
     * and the breaker with it (a host that comes back after that starts with no failures).
     * Returns when the pause that is kept ends, 0 when nothing is kept.
     */
    long forgetLapsed(long now) throws Exception {
        Long next = nextFetchAt.value();
        if (next != null && next > now) {
            return next;
        }
        nextFetchAt.clear();
        backoff.clear();
        return 0;
    }

    private void pauseUntil(long time) throws Exception {
        Long next = nextFetchAt.value();
        if (next == null || next < time) {
            nextFetchAt.update(time);
        }
    }
}
