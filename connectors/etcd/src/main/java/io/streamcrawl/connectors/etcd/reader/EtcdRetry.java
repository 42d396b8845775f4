package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdWatchSourceOptions;

import org.apache.flink.configuration.Configuration;

import javax.annotation.Nullable;

import java.io.IOException;
import java.time.Duration;

/**
 * Back-off and deadline of the split reader's etcd requests through an outage. An outage is a run
 * of failures with no success (a page read, a watch established) between them; it began at the
 * first. The reader schedules its own retries, so nothing here waits. Fetcher thread only.
 */
final class EtcdRetry {
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration timeout;
    private int failuresInARow;
    private long outageStartNanos;
    @Nullable private Throwable lastFailure;

    EtcdRetry(Configuration config) {
        this.initialBackoff = config.get(EtcdWatchSourceOptions.RETRY_INITIAL_BACKOFF);
        this.maxBackoff = config.get(EtcdWatchSourceOptions.RETRY_MAX_BACKOFF);
        this.timeout = config.get(EtcdWatchSourceOptions.RETRY_TIMEOUT);
    }

    /** Records a failure; returns the doubling back-off to wait before the next attempt. */
    Duration onFailure(Throwable cause) {
        if (failuresInARow++ == 0) {
            outageStartNanos = System.nanoTime();
        }
        lastFailure = cause;
        long factor = 1L << Math.min(failuresInARow - 1, 20);
        Duration delay = initialBackoff.multipliedBy(factor);
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }

    /** Records a success, which ends the outage; returns how many attempts had failed in it. */
    int onSuccess() {
        int failed = failuresInARow;
        failuresInARow = 0;
        lastFailure = null;
        return failed;
    }

    int failuresInARow() {
        return failuresInARow;
    }

    /** How long until the outage passes the timeout; {@code max} when there is no outage. */
    Duration timeToDeadline(Duration max) {
        if (failuresInARow == 0) {
            return max;
        }
        long nanos = outageStartNanos + timeout.toNanos() + 1 - System.nanoTime();
        return Duration.ofNanos(Math.max(0, Math.min(nanos, max.toNanos())));
    }

    /**
     * Fails once the outage has lasted longer than {@link EtcdWatchSourceOptions#RETRY_TIMEOUT}.
     *
     * @param what names the source for the message: prefix and endpoints
     */
    void failIfPastDeadline(String what) throws IOException {
        if (failuresInARow == 0) {
            return;
        }
        Duration down = Duration.ofNanos(System.nanoTime() - outageStartNanos);
        if (down.compareTo(timeout) > 0) {
            throw new IOException(what + ": etcd unreachable for " + down.toMillis() + " ms after " + failuresInARow
                    + " failed attempt(s) (" + EtcdWatchSourceOptions.RETRY_TIMEOUT.key() + " = " + timeout + ")",
                    lastFailure);
        }
    }
}
