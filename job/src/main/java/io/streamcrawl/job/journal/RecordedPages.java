package io.streamcrawl.job.journal;

import io.streamcrawl.job.model.RecordedOutcome;
import io.streamcrawl.job.url.UrlFingerprint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pages of one fetcher subtask whose records reached the pages stream after the checkpoint a
 * restore went back to, by the fingerprint of (task, URL) the scheduler deduplicates on. Each is
 * taken once: the one release of its URL that the restore repeats. Not thread-safe: the
 * operator's thread only.
 */
public final class RecordedPages {
    private final Map<UrlFingerprint, RecordedOutcome> pages = new HashMap<>();

    /** Remembers a page; a later record of the same page (a recrawl) wins. */
    void add(String task, String url, RecordedOutcome outcome) {
        pages.put(fingerprint(task, url), outcome);
    }

    /** The outcome of the page's record, if it has one here; it is forgotten then. */
    public Optional<RecordedOutcome> take(String task, String url) {
        return pages.isEmpty() ? Optional.empty() : Optional.ofNullable(pages.remove(fingerprint(task, url)));
    }

    /** Adds pages kept from an earlier checkpoint. */
    public void addAll(Iterable<RecordedPage> kept) {
        kept.forEach(page -> pages.put(page.page(), page.outcome()));
    }

    /** The pages not taken yet, for the checkpoint. */
    public List<RecordedPage> remaining() {
        List<RecordedPage> remaining = new ArrayList<>(pages.size());
        pages.forEach((page, outcome) -> remaining.add(new RecordedPage(page, outcome)));
        return remaining;
    }

    public int size() {
        return pages.size();
    }

    private static UrlFingerprint fingerprint(String task, String url) {
        // FrontierEntry#fingerprint's identity.
        return UrlFingerprint.of(task + '\n' + url);
    }
}
