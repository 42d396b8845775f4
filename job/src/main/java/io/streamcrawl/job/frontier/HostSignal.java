package io.streamcrawl.job.frontier;

import java.util.Optional;

/** What a fetch tells its host's scheduler about the host; the wire name is the entry's {@code signal} field. */
public enum HostSignal {
    /** The fetcher had no room for the request within its bound: slow down a little. */
    BUSY;

    public String wireName() {
        return WireNames.of(this);
    }

    public static Optional<HostSignal> ofWireName(String name) {
        return WireNames.parse(HostSignal.class, name);
    }
}
