package io.streamcrawl.job.api;

import io.streamcrawl.job.cli.CrawlProgress;

import crawlercommons.urlfrontier.Urlfrontier;

/**
 * A task's published progress as URLFrontier {@code Stats}: {@code size} is what the host
 * schedulers hold queued, {@code inProcess} what they released and the fetchers have not
 * finished, and the counts carry the rest under streamcrawl's names.
 */
final class CrawlStats {
    private CrawlStats() {}

    static Urlfrontier.Stats of(String task, CrawlProgress progress, long distinctUrls, long hostsBackingOff) {
        return Urlfrontier.Stats.newBuilder()
                .setCrawlID(task)
                .setSize(progress.queued())
                .setInProcess((int) Math.min(Integer.MAX_VALUE, Math.max(0, progress.inFlight())))
                .putCounts("pages", progress.pages())
                .putCounts("errors", progress.errors())
                .putCounts("distinct_urls", distinctUrls)
                .putCounts("frontier_unread", progress.unread())
                .putCounts("frontier_pending", progress.pending())
                .putCounts("hosts_backing_off", hostsBackingOff)
                .build();
    }
}
