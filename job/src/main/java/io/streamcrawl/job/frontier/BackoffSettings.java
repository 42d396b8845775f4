package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.config.CrawlerOptions.*;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a host backs off after transient failures (no answer, 408, 429, 5xx), from the job's
 * configuration.
 *
 * @param failuresToOpen failures in a row that open the host's breaker
 * @param initialPause the pause when the breaker opens; it doubles with each further failure
 * @param maxPause the longest pause of an open breaker
 * @param maxRetryAfter the longest Retry-After honoured
 */
public record BackoffSettings(int failuresToOpen, Duration initialPause, Duration maxPause, Duration maxRetryAfter)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public BackoffSettings {
        Preconditions.checkArgument(failuresToOpen > 0, "failuresToOpen must be positive, was %s", failuresToOpen);
        Preconditions.checkArgument(initialPause.toMillis() > 0, "initialPause must be positive, was %s", initialPause);
        Preconditions.checkArgument(maxPause.compareTo(initialPause) >= 0,
                "maxPause (%s) must not be shorter than initialPause (%s)", maxPause, initialPause);
        Preconditions.checkArgument(!maxRetryAfter.isNegative(), "maxRetryAfter must not be negative, was %s", maxRetryAfter);
    }

    /** The settings of a job's configuration. */
    public static BackoffSettings from(ReadableConfig config) {
        return new BackoffSettings(config.get(BACKOFF_FAILURES_TO_OPEN), config.get(BACKOFF_INITIAL_PAUSE),
                config.get(BACKOFF_MAX_PAUSE), config.get(BACKOFF_MAX_RETRY_AFTER));
    }

    /**
     * How long a host pauses after its {@code failures}-th failure in a row, which asked for
     * {@code retryAfterMs} (-1: no Retry-After): the Retry-After (at most {@link #maxRetryAfter}),
     * and once the breaker is open at least {@code initialPause * 2^(failures - failuresToOpen)},
     * at most {@code maxPause}, jittered by a factor in [0.5, 1.5) so that hosts that failed
     * together do not come back together. 0 when neither applies.
     */
    long pauseMs(int failures, long retryAfterMs, RandomGenerator random) {
        long pause = retryAfterMs > 0 ? Math.min(retryAfterMs, maxRetryAfter.toMillis()) : 0;
        if (failures >= failuresToOpen) {
            int doublings = Math.min(failures - failuresToOpen, 30);
            long base = Math.min(maxPause.toMillis(), initialPause.toMillis() << doublings);
            long jittered = Math.min(maxPause.toMillis(), base / 2 + random.nextLong(Math.max(1, base)));
            pause = Math.max(pause, jittered);
        }
        return pause;
    }
}
