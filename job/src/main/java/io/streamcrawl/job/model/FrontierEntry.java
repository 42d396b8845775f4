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
 * @param change what the sitemap that listed the URL says of how it changes, or null
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
        long release,
        ChangeHint change) {

    public FrontierEntry {
        kind = kind == null ? EntryKind.URL : kind;
    }

    /** A URL to crawl, found on {@code parent} (null for a seed). */
    public FrontierEntry(String url, String task, int depth, int priority, String parent) {
        this(url, task, depth, priority, parent, EntryKind.URL, false, null, 0, 0, 0, null);
    }

    /** A seed of a task: depth 0, default priority, no parent. */
    public static FrontierEntry seed(String url, String task) {
        return new FrontierEntry(url, task, 0, 0, null);
    }

    /** Feedback for the scheduler of {@code url}'s host. */
    public static FrontierEntry feedback(String url, String task, EntryKind kind, HostFeedback feedback) {
        return builder(url, task).kind(kind).feedback(feedback).build();
    }

    /** An entry of {@code url} for {@code task} with every other field named: depth 0, a URL, no retry. */
    public static Builder builder(String url, String task) {
        return new Builder(new FrontierEntry(url, task, 0, 0, null));
    }

    /** A builder that starts from this entry. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This entry with another kind (a sitemap is queued like a URL). */
    public FrontierEntry as(EntryKind newKind) {
        return toBuilder().kind(newKind).build();
    }

    /** The target of a redirect from this entry's URL: one more redirect in the chain, same depth. */
    public FrontierEntry redirectTo(String target) {
        return toBuilder().url(target).parent(url).retry(false).feedback(null).redirects(redirects + 1).attempt(0)
                .release(0).change(null).build();
    }

    /** This entry going back to its host's queue (deferred, not failed), with what its fetch told about the host. */
    public FrontierEntry retry(HostFeedback hostFeedback) {
        return toBuilder().retry(true).feedback(hostFeedback).build();
    }

    /** This entry going back to its host's queue after a transient failure: one attempt more. */
    public FrontierEntry retryAfterFailure(HostFeedback hostFeedback) {
        return toBuilder().retry(true).feedback(hostFeedback).attempt(attempt + 1).build();
    }

    /** The identity a crawl deduplicates on: a URL is fetched at most once per task. */
    public UrlFingerprint fingerprint() {
        return fingerprint(task, url);
    }

    /** The identity of {@code url} in {@code task}: a URL is fetched at most once per task. */
    public static UrlFingerprint fingerprint(String task, String url) {
        return UrlFingerprint.of(task + '\n' + url);
    }

    /** Builds an entry field by field; the only place besides the record that lists every field. */
    public static final class Builder {
        private String url;
        private String task;
        private int depth;
        private int priority;
        private String parent;
        private EntryKind kind;
        private boolean retry;
        private HostFeedback feedback;
        private int redirects;
        private int attempt;
        private long release;
        private ChangeHint change;

        private Builder(FrontierEntry from) {
            url = from.url;
            task = from.task;
            depth = from.depth;
            priority = from.priority;
            parent = from.parent;
            kind = from.kind;
            retry = from.retry;
            feedback = from.feedback;
            redirects = from.redirects;
            attempt = from.attempt;
            release = from.release;
            change = from.change;
        }

        public Builder url(String value) {
            url = value;
            return this;
        }

        public Builder depth(int value) {
            depth = value;
            return this;
        }

        public Builder priority(int value) {
            priority = value;
            return this;
        }

        public Builder parent(String value) {
            parent = value;
            return this;
        }

        public Builder kind(EntryKind value) {
            kind = value;
            return this;
        }

        public Builder retry(boolean value) {
            retry = value;
            return this;
        }

        public Builder feedback(HostFeedback value) {
            feedback = value;
            return this;
        }

        public Builder redirects(int value) {
            redirects = value;
            return this;
        }

        public Builder attempt(int value) {
            attempt = value;
            return this;
        }

        public Builder release(long value) {
            release = value;
            return this;
        }

        public Builder change(ChangeHint value) {
            change = value;
            return this;
        }

        public FrontierEntry build() {
            return new FrontierEntry(url, task, depth, priority, parent, kind, retry, feedback, redirects, attempt,
                    release, change);
        }
    }
}
