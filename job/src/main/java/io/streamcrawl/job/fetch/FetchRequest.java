package io.streamcrawl.job.fetch;

import io.streamcrawl.job.url.TaskScope;

/**
 * A URL released by the host scheduler for fetching, with what the fetcher and the parser
 * need to know of its task.
 *
 * @param followLinks whether links found on the page are kept (false at the task's max depth)
 */
public record FetchRequest(
        String url, String task, int depth, int priority, boolean followLinks, TaskScope scope, FetchSettings fetch) {}
