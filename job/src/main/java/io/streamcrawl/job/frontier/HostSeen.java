package io.streamcrawl.job.frontier;

import io.streamcrawl.job.url.UrlFingerprint;

import java.util.random.RandomGenerator;

import org.apache.flink.api.common.state.MapState;

/**
 * The URLs the current host has seen, exactly, by fingerprint (task and URL), in keyed state: a
 * URL is queued once per task. The value of a URL is when it was first seen, and while it is
 * released the release's token, so that a retry is taken back only from its URL's latest release
 * ({@link #takeBack}). Valid only for the key the state is scoped to when called.
 */
final class HostSeen {
    private final MapState<UrlFingerprint, Long> seen;
    private final RandomGenerator tokens;

    HostSeen(MapState<UrlFingerprint, Long> seen, RandomGenerator tokens) {
        this.seen = seen;
        this.tokens = tokens;
    }

    /** Whether the URL is new to the host, which then remembers it as first seen at {@code now}. */
    boolean firstSeen(UrlFingerprint url, long now) throws Exception {
        if (seen.contains(url)) {
            return false;
        }
        seen.put(url, now);
        return true;
    }

    /** The URL is released: returns the release's token, which its retries carry back. */
    long released(UrlFingerprint url) throws Exception {
        // Negative, so it is never a first-seen time (see takeBack).
        long token = tokens.nextLong() | Long.MIN_VALUE;
        seen.put(url, token);
        return token;
    }

    /**
     * Whether a retry carrying {@code release} comes back from its URL's latest release, which it
     * then takes back. The frontier sink writes between checkpoints, so after a restore the source
     * can replay a retry of a release the restore undid (its URL is queued again, or not yet
     * seen), or a second retry of a request that was in flight at the checkpoint: either would
     * queue the URL twice and give back a page it did not take. A retry without a token (0: written
     * by a build before the tokens) is taken as before.
     */
    boolean takeBack(UrlFingerprint url, long release, long now) throws Exception {
        if (release == 0) {
            return true;
        }
        Long current = seen.get(url);
        if (current == null || current != release) {
            return false;
        }
        seen.put(url, now);
        return true;
    }
}
