package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.FrontierEntry;

/**
 * A fetched URL of a task with a recrawl interval, waiting in keyed state for its next fetch.
 *
 * @param dueAt when it is fetched again (epoch ms)
 * @param entry what goes back to its queue then
 */
public record RecrawlEntry(long dueAt, FrontierEntry entry) {}
