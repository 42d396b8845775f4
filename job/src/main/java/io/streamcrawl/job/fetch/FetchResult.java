package io.streamcrawl.job.fetch;

/**
 * The outcome of one fetch. A failed fetch is data, not an exception: {@code status} is 0 and
 * {@code error} says why when no HTTP response arrived.
 *
 * @param finalUrl the URL that answered (differs from the request's when a redirect was followed)
 * @param body the body, cut at the task's max bytes; empty when not fetched or not parseable
 * @param truncated whether the body was cut
 * @param fetchedAtMillis epoch millis when the fetch started
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
        HttpMessages http) {
    private static final byte[] NO_BODY = new byte[0];

    /** A result without the HTTP messages, as results that got no response are. */
    public FetchResult(FetchRequest request, int status, String finalUrl, String contentType, byte[] body,
            boolean truncated, long fetchedAtMillis, long fetchMs, String error) {
        this(request, status, finalUrl, contentType, body, truncated, fetchedAtMillis, fetchMs, error, null);
    }

    /** A fetch that got no HTTP response: status 0, no final URL, no body. */
    public static FetchResult failed(FetchRequest request, long fetchedAtMillis, long fetchMs, String error) {
        return new FetchResult(request, 0, null, null, NO_BODY, false, fetchedAtMillis, fetchMs, error);
    }

    /** Whether an HTTP response arrived. */
    public boolean responded() {
        return status != 0;
    }
}
