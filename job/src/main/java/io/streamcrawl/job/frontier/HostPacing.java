package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.apache.flink.api.common.state.ValueState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the current host may be asked next, in keyed state: the spacing after each release, and
 * the pauses the fetch side asks for through host signals (a busy fetcher, a Retry-After, the
 * circuit breaker of {@link HostBackoff}). Valid only for the key the state is scoped to when
 * called.
 *
 * <p>Only host-level failures ({@link HostSignal#FAILED}) move the breaker, and only on the
 * host's evidence: a failure counts as a step when its request was released after the last
 * counted failure or success the scheduler saw (requests in flight together fail together: one step),
 * and, while the breaker is closed, only when its URL has not counted yet (so the steps that
 * open it are failures of distinct URLs, never one URL failing again). Once open, every further
 * step doubles the pause. A Retry-After is honoured in any case. URL-level failures leave the
 * host alone.
 */
final class HostPacing {
    private static final Logger LOG = LoggerFactory.getLogger(HostPacing.class);

    private final ValueState<Long> nextFetchAt;
    private final ValueState<HostBackoff> backoff;
    private final BackoffSettings settings;
    private final Duration busyPause;
    private final RandomGenerator jitter = new SplittableRandom();
    private final SchedulerMetrics metrics;

    HostPacing(ValueState<Long> nextFetchAt, ValueState<HostBackoff> backoff, BackoffSettings settings,
            Duration busyPause, SchedulerMetrics metrics) {
        this.nextFetchAt = nextFetchAt;
        this.backoff = backoff;
        this.settings = settings;
        this.busyPause = busyPause;
        this.metrics = metrics;
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
        HostBackoff current = backoff.value();
        return current != null && current.failures() > 0;
    }

    /** Until when the host pauses while its breaker is open (its probe's hold included); null when closed. */
    Long openUntil() throws Exception {
        HostBackoff current = backoff.value();
        return current != null && current.open(settings) ? nextFetchAt.value() : null;
    }

    /**
     * Whether the host's breaker has stayed open for {@link BackoffSettings#giveUp()} since the
     * first failure of its streak, at {@code now}: its URLs are then dropped.
     */
    boolean givenUp(long now) throws Exception {
        HostBackoff current = backoff.value();
        return current != null && current.open(settings) && current.since() > 0
                && now - current.since() >= settings.giveUp().toMillis();
    }

    /**
     * Applies what a fetch of {@code url} (its fingerprint's high bits) told about the host (see
     * the class comment).
     */
    void apply(String host, HostFeedback feedback, long url, long now) throws Exception {
        if (feedback == null || feedback.signal() == null) {
            return;
        }
        switch (feedback.signal()) {
            case BUSY -> {
                if (isProbe(feedback)) {
                    nextFetchAt.update(now + busyPause.toMillis()); // the probe's hold ends: it goes again soon
                } else {
                    pauseUntil(now + busyPause.toMillis());
                }
            }
            case FAILED -> failed(host, feedback, url, now);
            // A URL-level failure is about its URL, but like a success it shows the server answers.
            case OK, URL_FAILED -> answered(host, now);
            case REFUSED -> { } // about one task's permission, not about the host
        }
    }

    /**
     * While the breaker is open a release is its probe: nothing else goes until the probe's
     * outcome arrives, or for the longest pause should it be lost. Returns whether it holds.
     */
    boolean holdForProbe(long now) throws Exception {
        HostBackoff current = backoff.value();
        if (current == null || !current.open(settings)) {
            return false;
        }
        pauseUntil(now + settings.maxPause().toMillis());
        return true;
    }

    /** Whether feedback is of the probe of an open breaker: the one request released since the last outcome. */
    private boolean isProbe(HostFeedback feedback) throws Exception {
        HostBackoff current = backoff.value();
        return current != null && current.open(settings) && feedback.releasedAt() > current.lastOutcomeAt();
    }

    private void answered(String host, long now) throws Exception {
        HostBackoff current = backoff.value();
        if (current == null) {
            return;
        }
        if (current.open(settings)) {
            LOG.info("Host {}: answering again after {} failures", host, current.failures());
            nextFetchAt.clear(); // the probe's hold
        }
        // Kept, closed, for its time: failures of requests released before it count no step.
        backoff.update(new HostBackoff(0, 0, now, null));
    }

    private void failed(String host, HostFeedback feedback, long url, long now) throws Exception {
        HostBackoff current = backoff.value();
        if (current == null) {
            current = HostBackoff.NONE;
        }
        boolean open = current.open(settings);
        // Released no later than the last step or success seen: it was under way with that one.
        boolean concurrent = feedback.releasedAt() > 0 && feedback.releasedAt() <= current.lastOutcomeAt();
        boolean step = !concurrent && (open || !current.hasCounted(url));
        int failures = current.failures() + (step ? 1 : 0);
        long since = failures == 0 ? 0 : current.since() > 0 ? current.since() : now;
        // Once open, every probe's failure is a step: the URLs that opened it need not be kept.
        long[] counted = step && failures < settings.failuresToOpen() ? current.countedWith(url)
                : failures >= settings.failuresToOpen() ? null : current.counted();
        // Only a step moves the mark: a failure in flight with it says nothing new about later requests.
        backoff.update(new HostBackoff(failures, since, step ? now : current.lastOutcomeAt(), counted));
        long pause = settings.pauseMs(step ? failures : 0, feedback.retryAfterMs(), jitter);
        if (pause > 0) {
            metrics.backoff(feedback.causeLabel());
            if (step && failures >= settings.failuresToOpen()) {
                nextFetchAt.update(now + pause); // the breaker's pause replaces a probe's hold
            } else {
                pauseUntil(now + pause);
            }
        }
        if (step && failures == settings.failuresToOpen()) {
            metrics.breakersOpened.inc();
            LOG.info("Host {}: {} failures of distinct URLs with no success ({}), backing off", host, failures,
                    feedback.error() != null ? feedback.error() : "HTTP " + feedback.status());
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
