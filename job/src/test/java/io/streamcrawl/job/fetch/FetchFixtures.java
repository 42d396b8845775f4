package io.streamcrawl.job.fetch;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.url.TaskScope;

/** Fetch requests, settings and results for tests, with the defaults of a plain page fetch. */
public final class FetchFixtures {
    private FetchFixtures() {}

    /** Settings that allow private addresses: test sites are on loopback. */
    public static FetchSettings settings(String userAgent, int timeoutMs, long maxBytes, String[] contentTypes,
            int maxInFlightPerHost) {
        return new FetchSettings(userAgent, timeoutMs, maxBytes, contentTypes, maxInFlightPerHost, false, 5, true,
                new String[0]);
    }

    /** Settings with the SSRF guard on, allowing private addresses only for {@code privateHosts}. */
    public static FetchSettings guarded(String userAgent, String... privateHosts) {
        return new FetchSettings(userAgent, 5_000, 10_000, new String[0], 4, false, 5, false, privateHosts);
    }

    /** A page request of a seed (no parent) with no spacing. */
    public static FetchRequest page(String url, String task, int depth, int priority, boolean followLinks,
            TaskScope scope, FetchSettings settings) {
        return FetchRequest.builder(url, task).depth(depth).priority(priority).followLinks(followLinks)
                .task(scope, settings).build();
    }

    /** A request of a given purpose, chain length, attempt and outcome report. */
    public static FetchRequest request(String url, FetchPurpose purpose, TaskScope scope, FetchSettings settings,
            int redirects, int attempt, boolean reportOutcome) {
        return FetchRequest.builder(url, "t").depth(2).followLinks(purpose == FetchPurpose.PAGE).task(scope, settings)
                .purpose(purpose).redirects(redirects).attempt(attempt).reportOutcome(reportOutcome).build();
    }

    /** A response with a status and no body, asking for a Retry-After of {@code retryAfterMs} (-1: none). */
    public static FetchResult status(FetchRequest request, int status, long retryAfterMs) {
        return FetchResult.response(request, status).finalUrl(request.url()).timing(0, 1).retryAfterMs(retryAfterMs)
                .build();
    }

    /** A redirect as the fetcher reports it. */
    public static FetchResult redirect(FetchRequest request, int status, String location) {
        return FetchResult.response(request, status).finalUrl(request.url()).timing(0, 1).location(location).build();
    }

    /** A response as the fetcher reports it. */
    public static FetchResult response(FetchRequest request, int status, String finalUrl, String contentType,
            byte[] body, boolean truncated, long fetchedAtMillis, long fetchMs) {
        return FetchResult.response(request, status).finalUrl(finalUrl).contentType(contentType).body(body, truncated)
                .timing(fetchedAtMillis, fetchMs).build();
    }
}
