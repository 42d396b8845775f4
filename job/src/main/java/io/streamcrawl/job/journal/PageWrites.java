package io.streamcrawl.job.journal;

import io.streamcrawl.job.frontier.RecentFingerprints;
import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.FrontierEntry;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.Preconditions;

/**
 * Turns a crawled page into what the pages sink writes, in this order: the frontier entries it
 * yields, then its record; a page recorded before a failure yields nothing (it is in the stream).
 *
 * <p>With a positive {@code recentLinks}, a link this subtask passed on recently is dropped, so
 * that the links every page repeats (navigation, popular pages) do not travel through Redis, the
 * source and the scheduler's seen-set again and again. Exact: it remembers the 128-bit
 * fingerprint of (task, URL), the identity the scheduler deduplicates on ({@link
 * RecentFingerprints}). Safe across failures: a dropped link was passed on earlier by this
 * subtask, so it comes before the record at hand in the sink, and a record in Redis implies it is
 * too; the set is not checkpointed and starts empty after a restore.
 */
public final class PageWrites extends RichFlatMapFunction<CrawledPage, StreamWrite> {
    private static final long serialVersionUID = 1L;

    private final int recentLinks;

    private transient RecentFingerprints recent;
    private transient Counter dropped;

    /** @param recentLinks how many links to remember having passed on; 0 passes every link */
    public PageWrites(int recentLinks) {
        Preconditions.checkArgument(recentLinks >= 0, "recentLinks must not be negative, was %s", recentLinks);
        this.recentLinks = recentLinks;
    }

    @Override
    public void open(OpenContext openContext) {
        // A repeat becomes the most recent again, so popular links stay.
        recent = recentLinks > 0 ? new RecentFingerprints(recentLinks) : null;
        dropped = getRuntimeContext().getMetricGroup().counter("crawler_links_recent_dropped_total");
    }

    @Override
    public void flatMap(CrawledPage page, Collector<StreamWrite> out) {
        if (page.recorded()) {
            return;
        }
        for (FrontierEntry link : page.links()) {
            if (recent != null && recent.add(link.fingerprint())) {
                dropped.inc();
            } else {
                out.collect(StreamWrite.link(link));
            }
        }
        out.collect(StreamWrite.page(page.record()));
    }
}
