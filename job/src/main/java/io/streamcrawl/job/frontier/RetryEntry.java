package io.streamcrawl.job.frontier;

/**
 * A URL of the current host waiting for its retry after a failed fetch ({@link HostRetries}).
 *
 * @param url the URL as it waits in a queue, with the attempts it failed
 * @param dueAt when it may go again (ms, processing time)
 */
public record RetryEntry(QueuedUrl url, long dueAt) {}
