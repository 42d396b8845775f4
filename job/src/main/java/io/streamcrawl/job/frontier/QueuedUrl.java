package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.url.UrlFingerprint;

/**
 * A URL as the host scheduler keeps it in keyed state (its queues, retries and recrawl plans):
 * what its release needs, and nothing of the frontier's wire format ({@link FrontierEntry}), so
 * that each can evolve alone. Converted at the scheduler's edges: {@link #of} when an entry
 * arrives, {@link #request} when it is released.
 *
 * @param url the normalized URL
 * @param task the crawl task it belongs to
 * @param depth link distance from the task's seeds
 * @param priority its entry priority: higher goes first among its task's URLs on the host
 * @param parent the URL of the page it was found on, or null for a seed
 * @param sitemap whether it is a sitemap (fetched for its URLs, not counted as a page)
 * @param redirects how many redirects led to it
 * @param attempt how many times it was fetched and failed transiently
 */
public record QueuedUrl(String url, String task, int depth, int priority, String parent, boolean sitemap,
        int redirects, int attempt) {

    /** The URL of a frontier entry (a URL or a sitemap, fresh or coming back), as it waits in a queue. */
    static QueuedUrl of(FrontierEntry entry) {
        return new QueuedUrl(entry.url(), entry.task(), entry.depth(), entry.priority(), entry.parent(),
                entry.kind() == EntryKind.SITEMAP, entry.redirects(), entry.attempt());
    }

    /** The identity a crawl deduplicates on, the same as its frontier entry's. */
    UrlFingerprint fingerprint() {
        return FrontierEntry.fingerprint(task, url);
    }

    /** This URL as it goes back to its queue for a recrawl: a fresh start, no failures counted. */
    QueuedUrl recrawl() {
        return new QueuedUrl(url, task, depth, priority, parent, sitemap, redirects, 0);
    }

    /** A request of this URL with what it carries; the caller adds the task's settings and the release. */
    FetchRequest.Builder request() {
        return FetchRequest.builder(url, task).depth(depth).priority(priority).parent(parent).redirects(redirects)
                .attempt(attempt);
    }
}
