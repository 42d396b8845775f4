package io.streamcrawl.job.model;

import io.streamcrawl.job.url.UrlFingerprint;

/**
 * One entry of a frontier stream ({@code streamcrawl:frontier:<shard>}): something of a task to
 * fetch on its way to its host's scheduler, or feedback for that scheduler (see {@link EntryKind}).
 *
 * @param url the URL; normalized once it has passed the frontier decoder
 * @param task the crawl task it belongs to
 * @param depth link distance from the task's seeds
 * @param priority higher is fetched first among its task's URLs on its host (then lower depth,
 *     then arrival: the host scheduler's queues); a producer writes it to the stream (default 0, also for
 *     the seeds of a task spec), and every entry made from this one (its links, redirect target,
 *     sitemap URLs, retries) inherits it
 * @param parent the URL of the page it was found on, or null for a seed
 * @param kind what the entry is
 * @param retry whether the entry had its turn already and goes back to the front of its queue
 *     without deduplication (it was deferred or failed transiently)
 * @param feedback what a fetch told about the host, or null
 * @param redirects how many redirects led to this URL (a redirect target is a new entry)
 * @param attempt how many times the URL was fetched and failed transiently
 * @param release the token of the release a retry comes back from (the host scheduler takes
 *     back only its URL's latest release), else 0; 0 also in a retry written by an older build
 */
public record FrontierEntry(
        String url,
        String task,
        int depth,
        int priority,
        String parent,
        EntryKind kind,
        boolean retry,
        HostFeedback feedback,
        int redirects,
        int attempt,
        long release) {

    public FrontierEntry {
        kind = kind == null ? EntryKind.URL : kind;
    }

    /** A URL to crawl. */
    public FrontierEntry(String url, String task, int depth, int priority, String parent) {
        this(url, task, depth, priority, parent, EntryKind.URL, false, null, 0, 0, 0);
    }

    /** Feedback for the scheduler of {@code url}'s host. */
    public static FrontierEntry feedback(String url, String task, EntryKind kind, HostFeedback feedback) {
        return new FrontierEntry(url, task, 0, 0, null, kind, false, feedback, 0, 0, 0);
    }

    /** This entry with another kind (a sitemap is queued like a URL). */
    public FrontierEntry as(EntryKind newKind) {
        return new FrontierEntry(url, task, depth, priority, parent, newKind, retry, feedback, redirects, attempt, release);
    }

    /** The target of a redirect from this entry's URL: one more redirect in the chain, same depth. */
    public FrontierEntry redirectTo(String target) {
        return new FrontierEntry(target, task, depth, priority, url, kind, false, null, redirects + 1, 0, 0);
    }

    /** This entry going back to its host's queue (deferred, not failed), with what its fetch told about the host. */
    public FrontierEntry retry(HostFeedback hostFeedback) {
        return new FrontierEntry(url, task, depth, priority, parent, kind, true, hostFeedback, redirects, attempt, release);
    }

    /** This entry going back to its host's queue after a transient failure: one attempt more. */
    public FrontierEntry retryAfterFailure(HostFeedback hostFeedback) {
        return new FrontierEntry(url, task, depth, priority, parent, kind, true, hostFeedback, redirects, attempt + 1, release);
    }

    /** This entry as it goes back to its queue for a recrawl: a fresh start, no failures counted. */
    public FrontierEntry recrawl() {
        return new FrontierEntry(url, task, depth, priority, parent, kind, false, null, redirects, 0, 0);
    }

    /** This entry as it waits in its host's queue: no feedback, no retry mark. */
    public FrontierEntry queued() {
        return new FrontierEntry(url, task, depth, priority, parent, kind, false, null, redirects, attempt, 0);
    }

    /** The identity a crawl deduplicates on: a URL is fetched at most once per task. */
    public UrlFingerprint fingerprint() {
        return UrlFingerprint.of(task + '\n' + url);
    }
}
