package io.streamcrawl.job.frontier;

import java.util.Arrays;

/**
 * A host's circuit breaker in keyed state. The breaker is open (the host paused with growing
 * delays) from {@link BackoffSettings#failuresToOpen()} counted failures on, and closes with the
 * first success reported after them. Fields are only ever added: a value of an older build
 * restores with 0 or null for the new ones.
 *
 * @param failures host-level failures counted since the last success (see {@link HostPacing})
 * @param since when the first of them was seen (ms); 0 when closed or not known (an older value)
 * @param lastOutcomeAt when the scheduler last saw a host-level failure that counted, or a success
 *     (ms): a failure of a request released no later was in flight with it and is no new step
 * @param counted the URLs (their fingerprints' high bits) whose failures counted while the
 *     breaker was closed: a URL failing again is no new evidence; null when none
 */
public record HostBackoff(int failures, long since, long lastOutcomeAt, long[] counted) {
    static final HostBackoff NONE = new HostBackoff(0, 0, 0, null);

    boolean open(BackoffSettings settings) {
        return failures >= settings.failuresToOpen();
    }

    boolean hasCounted(long url) {
        if (counted != null) {
            for (long known : counted) {
                if (known == url) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The URLs counted so far and {@code url}. */
    long[] countedWith(long url) {
        long[] urls = counted == null ? new long[1] : Arrays.copyOf(counted, counted.length + 1);
        urls[urls.length - 1] = url;
        return urls;
    }
}
