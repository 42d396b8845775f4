package io.streamcrawl.job.model;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.url.TaskScope;

/**
 * A URL released by the host scheduler for fetching, with what the fetcher and the parser
 * need to know of its task.
 *
 * @param followLinks whether links found on the page are kept (false at the task's max depth)
 * @param parent the URL of the page it was found on, or null for a seed
 * @param spacingMs the least time between the starts of two requests to the URL's host
 * @param purpose why it is fetched
 * @param redirects how many redirects led to this URL
 * @param attempt how many times it was fetched before and failed transiently
 * @param reportOutcome whether its outcome goes back to the host's scheduler even when it is a
 *     success (set while the host has recent failures, so a success can close its breaker)
 * @param release the scheduler's token of this release, carried back by a retry; 0 for robots.txt
 * @param releasedAt when the scheduler released it (its processing time, ms), carried back with
 *     a failure so that failures of requests in flight together count once; 0 when unknown
 */
public record FetchRequest(
        String url,
        String task,
        int depth,
        int priority,
        boolean followLinks,
        TaskScope scope,
        FetchSettings fetch,
        String parent,
        long spacingMs,
        FetchPurpose purpose,
        int redirects,
        int attempt,
        boolean reportOutcome,
        long release,
        long releasedAt) {

    public FetchRequest {
        purpose = purpose == null ? FetchPurpose.PAGE : purpose;
    }
}
