package io.streamcrawl.job.frontier;

/**
 * What one fetch told about its host, carried back to the host's scheduler by a frontier entry.
 *
 * @param signal what the scheduler should make of it; null for the answer to a robots.txt request
 * @param status the HTTP status, 0 when no response arrived
 * @param error why no response arrived, or null
 * @param body the robots.txt of a 2xx answer to a robots.txt request, else null
 * @param retryAfterMs the pause a 429 or 503 asked for (Retry-After), else -1
 */
public record HostFeedback(HostSignal signal, int status, String error, String body, long retryAfterMs) {
    /** A signal without a body or Retry-After. */
    public static HostFeedback of(HostSignal signal, int status, String error) {
        return new HostFeedback(signal, status, error, null, -1);
    }

    /** The answer to a robots.txt request. */
    public static HostFeedback robots(int status, String error, String body) {
        return new HostFeedback(null, status, error, body, -1);
    }
}
