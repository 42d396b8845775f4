package io.streamcrawl.job.frontier;

/**
 * A host's circuit breaker in keyed state: how many transient failures came in a row. The breaker
 * is open (the host paused with growing delays) from {@link BackoffSettings#failuresToOpen()}
 * failures on, and closes with the first success reported after them.
 *
 * @param failures transient failures since the last success
 */
public record HostBackoff(int failures) {
    static final HostBackoff CLOSED = new HostBackoff(0);
}
