package io.streamcrawl.job.model;

import java.util.Optional;

/** What a fetch tells its host's scheduler about the host; the wire name is the entry's {@code signal} field. */
public enum HostSignal {
    /** The fetcher had no room for the request within its bound: slow down a little. */
    BUSY,
    /**
     * A fetch failed in a way that says the host asks to slow down or cannot be reached (429, 503,
     * no connection, no response head; see {@code FailureScope}): back off, honouring a Retry-After.
     */
    FAILED,
    /**
     * A fetch failed in a way that is about its URL only (other 5xx, a broken or slow body): the
     * URL is tried again on its own later; the host keeps its pace, and since its server answers,
     * its breaker closes as with {@link #OK}.
     */
    URL_FAILED,
    /** A fetch succeeded while the host had recent failures: its breaker closes. */
    OK,
    /** The SSRF guard refused the host for the task that asked: it is, or resolves to, a private address. */
    REFUSED;

    public String wireName() {
        return WireNames.of(this);
    }

    public static Optional<HostSignal> ofWireName(String name) {
        return WireNames.parse(HostSignal.class, name);
    }
}
