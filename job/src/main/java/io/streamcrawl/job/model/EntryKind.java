package io.streamcrawl.job.model;

import java.util.Optional;

/**
 * What a frontier entry is: something to fetch, or feedback from the fetch side to the host
 * scheduler of the entry's host. The wire name is the entry's {@code kind} field.
 */
public enum EntryKind {
    /** A URL to crawl; deduplicated per task. The default when an entry has no {@code kind}. */
    URL,
    /** A sitemap to read (named by a robots.txt or a sitemap index); deduplicated per task like a URL. */
    SITEMAP,
    /** The answer to the robots.txt request of the URL's origin; queues nothing. */
    ROBOTS,
    /** What a fetch told about its host (busy, failing, well again); queues nothing. */
    HOST,
    /**
     * What the fetch of a recrawling task's URL leaves for its next recrawl (validators, last
     * capture) and whether it changed; updates the URL's recrawl plan, queues nothing.
     */
    CAPTURE;

    /** The value of the {@code kind} field. */
    public String wireName() {
        return WireNames.of(this);
    }

    public static Optional<EntryKind> ofWireName(String name) {
        return WireNames.parse(EntryKind.class, name);
    }

    /** Whether entries of this kind are fetched (queued, deduplicated, released) rather than applied. */
    public boolean fetched() {
        return this == URL || this == SITEMAP;
    }
}
