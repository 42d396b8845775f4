package io.streamcrawl.job.frontier;

import java.util.Optional;

/**
 * What a frontier entry is: a URL to crawl, or feedback from the fetch side to the host
 * scheduler of the entry's host. The wire name is the entry's {@code kind} field.
 */
public enum EntryKind {
    /** A URL to crawl; deduplicated per task. The default when an entry has no {@code kind}. */
    URL,
    /** A URL going back to its host's queue without deduplication: it was deferred or failed transiently. */
    RETRY,
    /** What a fetch told about its host (busy, failing, well again); queues nothing. */
    HOST;

    /** The value of the {@code kind} field. */
    public String wireName() {
        return WireNames.of(this);
    }

    public static Optional<EntryKind> ofWireName(String name) {
        return WireNames.parse(EntryKind.class, name);
    }
}
