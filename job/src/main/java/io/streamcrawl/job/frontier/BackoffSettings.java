package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.config.CrawlerOptions.*;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a host backs off after host-level failures, when a host is given up, and how long a
 * failed URL waits for its retry, from the job's configuration.
 *
 * @param failuresToOpen host-level failures of distinct URLs (concurrent ones counted once) that open the host's breaker
 * @param initialPause the pause when the breaker opens; it doubles with each further failure
 * @param maxPause the longest pause of an open breaker, and of a URL's retry delay
 * @param maxRetryAfter the longest Retry-After honoured
 * @param urlRetryDelay how long a failed URL waits for its first retry; it doubles with each further one
 * @param giveUp how long a breaker may stay open, from the streak's first failure, before the host's URLs are dropped
 */
public record BackoffSettings(int failuresToOpen, Duration initialPause, Duration maxPause, Duration maxRetryAfter,
        Duration urlRetryDelay, Duration giveUp) implements Serializable {
    private static final long serialVersionUID = 1L;

    public BackoffSettings {
        Preconditions.checkArgument(failuresToOpen > 0, "failuresToOpen must be positive, was %s", failuresToOpen);
        Preconditions.checkArgument(initialPause.toMillis() > 0, "initialPause must be positive, was %s", initialPause);
        Preconditions.checkArgument(maxPause.compareTo(initialPause) >= 0,
                "maxPause (%s) must not be shorter than initialPause (%s)", maxPause, initialPause);
        Preconditions.checkArgument(!maxRetryAfter.isNegative(), "maxRetryAfter must not be negative, was %s", maxRetryAfter);
        Preconditions.checkArgument(!urlRetryDelay.isNegative(), "urlRetryDelay must not be negative, was %s", urlRetryDelay);
        Preconditions.checkArgument(giveUp.toMillis() > 0, "giveUp must be positive, was %s", giveUp);
    }

    /** The settings of a job's configuration. */
    public static BackoffSettings from(ReadableConfig config) {
        return new BackoffSettings(config.get(BACKOFF_FAILURES_TO_OPEN), config.get(BACKOFF_INITIAL_PAUSE),
                config.get(BACKOFF_MAX_PAUSE), config.get(BACKOFF_MAX_RETRY_AFTER), config.get(BACKOFF_URL_RETRY_DELAY),
                config.get(BACKOFF_GIVE_UP));
    }

    /**
     * How long a host pauses after its {@code failures}-th failure in a row, which asked for
     * {@code retryAfterMs} (-1: no Retry-After): the Retry-After (at most {@link #maxRetryAfter}),
     * and once the breaker is open at least {@code initialPause * 2^(failures - failuresToOpen)},
     * at most {@code maxPause}, jittered by a factor in [0.5, 1.5) so that hosts that failed
     * together do not come back together. 0 when neither applies.
     */
    long pauseMs(int failures, long retryAfterMs, RandomGenerator random) {
        long pause = retryAfter(retryAfterMs);
        if (failures >= failuresToOpen) {
            long base = doubled(initialPause.toMillis(), failures - failuresToOpen);
            long jittered = Math.min(maxPause.toMillis(), base / 2 + random.nextLong(Math.max(1, base)));
            pause = Math.max(pause, jittered);
        }
        return pause;
    }

    /**
     * How long a URL that has failed {@code attempts} times waits before it may go again:
     * {@code urlRetryDelay * 2^(attempts - 1)}, at most {@code maxPause}, and at least the
     * Retry-After its last answer asked for. Not jittered: a retry is never sooner than this.
     */
    long retryDelayMs(int attempts, long retryAfterMs) {
        return Math.max(retryAfter(retryAfterMs), doubled(urlRetryDelay.toMillis(), Math.max(0, attempts - 1)));
    }

    private long retryAfter(long retryAfterMs) {
        return retryAfterMs > 0 ? Math.min(retryAfterMs, maxRetryAfter.toMillis()) : 0;
    }

    private long doubled(long baseMs, int doublings) {
        return Math.min(maxPause.toMillis(), baseMs << Math.min(doublings, 30));
    }
}
