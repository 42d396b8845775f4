package io.streamcrawl.job.frontier;

/**
 * A fetched URL of a task with a recrawl interval, waiting in keyed state for its next fetch.
 *
 * @param dueAt when it is fetched again (epoch ms)
 * @param url what goes back to its queue then
 */
public record RecrawlEntry(long dueAt, QueuedUrl url) {}
