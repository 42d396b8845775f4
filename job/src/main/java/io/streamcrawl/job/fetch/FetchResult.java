package io.streamcrawl.job.fetch;

/**
 * The outcome of one fetch. A failed fetch is data, not an exception: {@code status} is 0,
 * {@code failure} says what kind of failure and {@code error} says why when no HTTP response
 * arrived.
 *
 * @param finalUrl the URL that answered (differs from the request's when the client followed a
 *     redirect, which it does only for robots.txt)
 * @param body the body, cut at the task's max bytes; empty when not fetched or not parseable
 * @param truncated whether the body was cut
 * @param fetchedAtMillis epoch millis when the fetch started
 * @param fetchMs time from the start of the network call to the end of the body (not the time the
 *     request waited for its host)
 * @param location the absolute target of a redirect (a 3xx response's Location), else null
 * @param retryAfterMs how long a 429 or 503 response asked the crawler to wait (Retry-After), else -1
 * @param http the HTTP messages exchanged; null when no response arrived
 */
public record FetchResult(
        FetchRequest request,
        int status,
        String finalUrl,
        String contentType,
        byte[] body,
        boolean truncated,
        long fetchedAtMillis,
        long fetchMs,
        String error,
        FetchFailure failure,
        String location,
        long retryAfterMs,
        HttpMessages http) {
    private static final byte[] NO_BODY = new byte[0];

    /** A fetch that got no HTTP response: status 0, no final URL, no body. */
    public static FetchResult failed(
            FetchRequest request, FetchFailure failure, long fetchedAtMillis, long fetchMs, String error) {
        return new FetchResult(request, 0, null, null, NO_BODY, false, fetchedAtMillis, fetchMs, error, failure, null, -1, null);
    }

    /**
     * A request the fetcher gave back without a result, to be fetched again later: its host was
     * busy, or the fetcher held too many body bytes to read its response.
     */
    public static FetchResult deferred(FetchRequest request, String reason) {
        return failed(request, FetchFailure.DEFERRED, System.currentTimeMillis(), 0, reason);
    }

    /**
     * Whether the fetch failed in a way that may pass: no answer (timeout, network), or a 408,
     * 429, 500, 502, 503 or 504. Such failures are retried and count against the host.
     */
    public boolean transientFailure() {
        if (status == 0) {
            return failure == FetchFailure.TIMEOUT || failure == FetchFailure.NETWORK;
        }
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** Whether an HTTP response arrived. */
    public boolean responded() {
        return status != 0;
    }
}
