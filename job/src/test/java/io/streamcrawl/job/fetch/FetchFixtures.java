package io.streamcrawl.job.fetch;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.FetchFailure;
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
        return new FetchRequest(url, task, depth, priority, followLinks, scope, settings, null, 0, FetchPurpose.PAGE, 0, 0,
                false, 0, 0);
    }

    /** A request of a given purpose, chain length, attempt and outcome report. */
    public static FetchRequest request(String url, FetchPurpose purpose, TaskScope scope, FetchSettings settings,
            int redirects, int attempt, boolean reportOutcome) {
        return new FetchRequest(url, "t", 2, 0, purpose == FetchPurpose.PAGE, scope, settings, null, 0, purpose,
                redirects, attempt, reportOutcome, 0, 0);
    }

    /** A response with a status and no body, asking for a Retry-After of {@code retryAfterMs} (-1: none). */
    public static FetchResult status(FetchRequest request, int status, long retryAfterMs) {
        return new FetchResult(request, status, request.url(), null, new byte[0], false, 0, 1, null, FetchFailure.NONE,
                null, retryAfterMs, null);
    }

    /** A redirect as the fetcher reports it. */
    public static FetchResult redirect(FetchRequest request, int status, String location) {
        return new FetchResult(request, status, request.url(), null, new byte[0], false, 0, 1, null, FetchFailure.NONE,
                location, -1, null);
    }

    /** A response as the fetcher reports it. */
    public static FetchResult response(FetchRequest request, int status, String finalUrl, String contentType,
            byte[] body, boolean truncated, long fetchedAtMillis, long fetchMs) {
        return new FetchResult(request, status, finalUrl, contentType, body, truncated, fetchedAtMillis, fetchMs, null,
                FetchFailure.NONE, null, -1, null);
    }
}
