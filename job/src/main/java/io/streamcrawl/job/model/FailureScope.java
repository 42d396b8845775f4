package io.streamcrawl.job.model;

/**
 * Whom a failed fetch is about: the host (it asks to slow down or cannot be reached: it is
 * paced and its breaker may open) or only the URL (the resource is broken and the server is
 * fine: the URL is tried again later on its own, the host keeps its pace).
 */
public enum FailureScope {
    /** Not a failure that is retried: a page record tells the status or error. */
    NONE,
    /** Only the URL: other 5xx, 408, a broken or slow body, a head timeout while the host answers others. */
    URL,
    /** The host: 429, 503, no connection, no head while the host answers nothing else. */
    HOST;

    /** The decision table: an HTTP {@code status} (0 when no response came) and where the fetch failed. */
    public static FailureScope of(int status, FailureCause cause) {
        return switch (status) {
            case 429, 503 -> HOST;
            case 408, 500, 502, 504 -> URL;
            case 0 -> switch (cause) {
                case CONNECT, HEAD -> HOST;
                case HEAD_WHILE_HOST_ANSWERS, BODY -> URL;
                case NONE -> NONE;
            };
            default -> NONE;
        };
    }
}
