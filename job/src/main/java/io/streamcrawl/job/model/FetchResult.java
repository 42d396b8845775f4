package io.streamcrawl.job.model;

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
 * @param cause where a fetch without a usable response failed ({@link FailureCause#NONE} for a response)
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
        HttpMessages http,
        FailureCause cause) {
    private static final byte[] NO_BODY = new byte[0];

    public FetchResult {
        cause = cause == null ? FailureCause.NONE : cause;
    }

    /** An HTTP response (its status says how it went), its other fields to be named on the builder. */
    public static Builder response(FetchRequest request, int status) {
        return new Builder(request, status);
    }

    /**
     * A fetch that got no HTTP response, or no usable one: status 0, no final URL, no body; its
     * cause, timing and error to be named on the builder.
     */
    public static Builder failed(FetchRequest request, FetchFailure failure) {
        return new Builder(request, 0).failure(failure);
    }

    /**
     * A request the fetcher gave back without a result, to be fetched again later: its host was
     * busy, or the fetcher held too many body bytes to read its response.
     */
    public static FetchResult deferred(FetchRequest request, String reason) {
        return failed(request, FetchFailure.DEFERRED).timing(System.currentTimeMillis(), 0).error(reason).build();
    }

    /** A request not fetched again: its page record, with this outcome, is in the pages stream since before a failure. */
    public static FetchResult recorded(FetchRequest request, RecordedOutcome outcome) {
        return new Builder(request, outcome.status()).timing(System.currentTimeMillis(), 0).error(outcome.error())
                .failure(FetchFailure.RECORDED).build();
    }

    /**
     * Whom the fetch's failure is about, if it is one that may pass and is retried: the host or
     * only the URL ({@link FailureScope#of}).
     */
    public FailureScope failureScope() {
        return FailureScope.of(status, cause);
    }

    /**
     * Where a fetch without a response failed, as crawl reports name it: the cause's wire name
     * ({@code connect}, {@code head}, ...), else the failure's ({@code refused}, {@code invalid});
     * null for a response, and for a page recorded before a failure (its cause was not recorded).
     */
    public String failureName() {
        if (responded() || failure == FetchFailure.RECORDED) {
            return null;
        }
        return cause != FailureCause.NONE ? cause.wireName() : failure.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether an HTTP response arrived. */
    public boolean responded() {
        return status != 0;
    }

    /** Builds a result field by field; the only place besides the record that lists every field. */
    public static final class Builder {
        private final FetchRequest request;
        private final int status;
        private String finalUrl;
        private String contentType;
        private byte[] body = NO_BODY;
        private boolean truncated;
        private long fetchedAtMillis;
        private long fetchMs;
        private String error;
        private FetchFailure failure = FetchFailure.NONE;
        private String location;
        private long retryAfterMs = -1;
        private HttpMessages http;
        private FailureCause cause = FailureCause.NONE;

        private Builder(FetchRequest request, int status) {
            this.request = request;
            this.status = status;
        }

        public Builder finalUrl(String value) {
            finalUrl = value;
            return this;
        }

        public Builder contentType(String value) {
            contentType = value;
            return this;
        }

        /** The body as read, and whether it was cut at the task's max bytes. */
        public Builder body(byte[] value, boolean cut) {
            body = value;
            truncated = cut;
            return this;
        }

        /** When the fetch started (epoch ms) and how long the network call took. */
        public Builder timing(long startedAtMillis, long tookMs) {
            fetchedAtMillis = startedAtMillis;
            fetchMs = tookMs;
            return this;
        }

        public Builder error(String value) {
            error = value;
            return this;
        }

        public Builder failure(FetchFailure value) {
            failure = value;
            return this;
        }

        public Builder location(String value) {
            location = value;
            return this;
        }

        public Builder retryAfterMs(long value) {
            retryAfterMs = value;
            return this;
        }

        public Builder http(HttpMessages value) {
            http = value;
            return this;
        }

        public Builder cause(FailureCause value) {
            cause = value;
            return this;
        }

        public FetchResult build() {
            return new FetchResult(request, status, finalUrl, contentType, body, truncated, fetchedAtMillis, fetchMs,
                    error, failure, location, retryAfterMs, http, cause);
        }
    }
}
