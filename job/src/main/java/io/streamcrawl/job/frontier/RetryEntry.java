package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.FrontierEntry;

/**
 * A URL of the current host waiting for its retry after a failed fetch ({@link HostRetries}).
 *
 * @param entry the URL as it waits in a queue, with the attempts it failed
 * @param dueAt when it may go again (ms, processing time)
 */
public record RetryEntry(FrontierEntry entry, long dueAt) {}
