package io.streamcrawl.job.frontier;

/**
 * One entry of a frontier stream ({@code streamcrawl:frontier:<shard>}): a URL of a task on its
 * way to its host's scheduler, or feedback for that scheduler (see {@link EntryKind}).
 *
 * @param url the URL; normalized once it has passed the frontier decoder
 * @param task the crawl task it belongs to
 * @param depth link distance from the task's seeds
 * @param priority higher is fetched first
 * @param parent the URL of the page it was found on, or null for a seed
 * @param kind what the entry is
 * @param feedback what a fetch told about the host, for {@link EntryKind#HOST} and {@link EntryKind#RETRY} entries; else null
 */
public record FrontierEntry(
        String url, String task, int depth, int priority, String parent, EntryKind kind, HostFeedback feedback) {

    public FrontierEntry {
        kind = kind == null ? EntryKind.URL : kind;
    }

    /** A URL to crawl. */
    public FrontierEntry(String url, String task, int depth, int priority, String parent) {
        this(url, task, depth, priority, parent, EntryKind.URL, null);
    }

    /** This entry going back to its host's queue, with what its fetch told about the host. */
    public FrontierEntry retry(HostFeedback hostFeedback) {
        return new FrontierEntry(url, task, depth, priority, parent, EntryKind.RETRY, hostFeedback);
    }

    /** This entry as a URL to queue: what a retry becomes in its host's queue. */
    public FrontierEntry queued() {
        return new FrontierEntry(url, task, depth, priority, parent, EntryKind.URL, null);
    }
}
