package io.streamcrawl.job.fetch;

import io.streamcrawl.job.url.TaskScope;

/** Fetch requests, settings and results for tests, with the defaults of a plain page fetch. */
public final class FetchFixtures {
    private FetchFixtures() {}

    public static FetchSettings settings(String userAgent, int timeoutMs, long maxBytes, String[] contentTypes,
            int maxInFlightPerHost) {
        return new FetchSettings(userAgent, timeoutMs, maxBytes, contentTypes, maxInFlightPerHost, false);
    }

    /** A page request of a seed (no parent) with no spacing. */
    public static FetchRequest page(String url, String task, int depth, int priority, boolean followLinks,
            TaskScope scope, FetchSettings settings) {
        return new FetchRequest(url, task, depth, priority, followLinks, scope, settings, null, 0, FetchPurpose.PAGE);
    }

    /** A response as the fetcher reports it. */
    public static FetchResult response(FetchRequest request, int status, String finalUrl, String contentType,
            byte[] body, boolean truncated, long fetchedAtMillis, long fetchMs) {
        return new FetchResult(request, status, finalUrl, contentType, body, truncated, fetchedAtMillis, fetchMs, null,
                FetchFailure.NONE);
    }
}
