package io.streamcrawl.job.model;


/**
 * What one fetch told about its host, carried back to the host's scheduler by a frontier entry.
 *
 * @param signal what the scheduler should make of it; null for the answer to a robots.txt request
 * @param status the HTTP status, 0 when no response arrived
 * @param error why no response arrived, or null
 * @param body the robots.txt of a 2xx answer to a robots.txt request, else null
 * @param retryAfterMs the pause a 429 or 503 asked for (Retry-After), else -1
 * @param cause where a fetch without a usable response failed (wire {@code cause}); NONE when
 *     not known (a response, or an entry of an older build)
 * @param releasedAt when the scheduler released the request (wire {@code released_at}); 0 when
 *     not known
 * @param validators what a fetch of a recrawling task's URL leaves for its next recrawl (a
 *     {@link EntryKind#CAPTURE} entry), else null
 */
public record HostFeedback(HostSignal signal, int status, String error, String body, long retryAfterMs,
        FailureCause cause, long releasedAt, PageValidators validators) {

    public HostFeedback {
        cause = cause == null ? FailureCause.NONE : cause;
    }

    /** A signal without a body, Retry-After, cause or release time. */
    public static HostFeedback of(HostSignal signal, int status, String error) {
        return builder(signal).status(status).error(error).build();
    }

    /** What the fetch of a recrawling task's URL, released at {@code releasedAt}, leaves for its next recrawl. */
    public static HostFeedback capture(int status, PageValidators validators, long releasedAt) {
        return builder(null).status(status).validators(validators).releasedAt(releasedAt).build();
    }

    /** The answer to a robots.txt request. */
    public static HostFeedback robots(int status, String error, String body) {
        return builder(null).status(status).error(error).body(body).build();
    }

    /** Feedback with {@code signal} and every other field named: no status, error, body, Retry-After, cause or release time. */
    public static Builder builder(HostSignal signal) {
        return new Builder(signal);
    }

    /** What the breaker's metrics call the failure: its status, else where it failed. */
    public String causeLabel() {
        return status != 0 ? Integer.toString(status) : cause.wireName();
    }

    /** Builds feedback field by field; the only place besides the record that lists every field. */
    public static final class Builder {
        private final HostSignal signal;
        private int status;
        private String error;
        private String body;
        private long retryAfterMs = -1;
        private FailureCause cause = FailureCause.NONE;
        private long releasedAt;
        private PageValidators validators;

        private Builder(HostSignal signal) {
            this.signal = signal;
        }

        public Builder status(int value) {
            status = value;
            return this;
        }

        public Builder error(String value) {
            error = value;
            return this;
        }

        public Builder body(String value) {
            body = value;
            return this;
        }

        public Builder retryAfterMs(long value) {
            retryAfterMs = value;
            return this;
        }

        public Builder cause(FailureCause value) {
            cause = value;
            return this;
        }

        public Builder releasedAt(long value) {
            releasedAt = value;
            return this;
        }

        public Builder validators(PageValidators value) {
            validators = value;
            return this;
        }

        public HostFeedback build() {
            return new HostFeedback(signal, status, error, body, retryAfterMs, cause, releasedAt, validators);
        }
    }
}
