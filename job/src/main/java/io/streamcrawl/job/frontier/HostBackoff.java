package io.streamcrawl.job.frontier;

/**
 * A host's circuit breaker in keyed state. The breaker is open (the host paused with growing
 * delays) from {@link BackoffSettings#failuresToOpen()} counted failures on, and closes with the
 * first success reported after them. Fields are only ever added: a value of an older build
 * restores with 0 for the new ones.
 *
 * @param failures host-level failures counted since the last success (see {@link HostPacing})
 * @param since when the first of them was seen (ms); 0 when closed or not known (an older value)
 * @param lastOutcomeAt when the scheduler last saw a host-level failure or a success of the host
 *     (ms): a failure of a request released before that was in flight with it and is no new step
 */
public record HostBackoff(int failures, long since, long lastOutcomeAt) {
    boolean open(BackoffSettings settings) {
        return failures >= settings.failuresToOpen();
    }
}
