package io.streamcrawl.job.frontier;

import io.streamcrawl.job.url.UrlFingerprint;

/**
 * One URL of a task on its way through the frontier, as read from or written to a frontier
 * stream ({@code streamcrawl:frontier:<shard>}).
 *
 * @param url the URL; normalized once it has passed the frontier decoder
 * @param task the crawl task it belongs to
 * @param depth link distance from the task's seeds
 * @param priority higher is fetched first
 * @param parent the URL of the page it was found on, or null for a seed
 */
public record FrontierEntry(String url, String task, int depth, int priority, String parent) {
    /** The identity a crawl deduplicates on: a URL is fetched at most once per task. */
    public UrlFingerprint fingerprint() {
        return UrlFingerprint.of(task + '\n' + url);
    }
}
