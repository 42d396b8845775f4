package io.streamcrawl.job.frontier;

import java.util.Optional;

/** What a fetch tells its host's scheduler about the host; the wire name is the entry's {@code signal} field. */
public enum HostSignal {
    /** The fetcher had no room for the request within its bound: slow down a little. */
    BUSY,
    /** A fetch failed in a way that may pass (no answer, 408, 429, 5xx): back off, honouring a Retry-After. */
    FAILED,
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
