package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.FrontierEntry;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Preconditions;

/**
 * Drops the links this subtask has recently passed on to the frontier sink, so that the links
 * every page repeats (navigation, popular pages) do not travel through Redis, the source and the
 * scheduler's seen-set again and again.
 *
 * <p>Exact: it remembers the 128-bit fingerprint of (task, URL), the identity the scheduler
 * deduplicates on, so it drops a link only when this subtask already emitted the same one (a
 * Bloom filter's false positive would lose a URL). Bounded: beyond {@code capacity} the least
 * recently seen fingerprints are forgotten, which only lets a repeat through to the scheduler's
 * exact seen-set. Not checkpointed: after a restore it starts empty, and the pages replayed since
 * the checkpoint emit their links again, so no link is lost to a failure.
 */
public final class RecentLinkFilter extends RichFilterFunction<FrontierEntry> {
    private static final long serialVersionUID = 1L;

    private final int capacity;

    private transient RecentFingerprints recent;
    private transient Counter dropped;

    public RecentLinkFilter(int capacity) {
        Preconditions.checkArgument(capacity > 0, "capacity must be positive, was %s", capacity);
        this.capacity = capacity;
    }

    @Override
    public void open(OpenContext openContext) {
        // A repeat becomes the most recent again, so popular links stay.
        recent = new RecentFingerprints(capacity);
        dropped = getRuntimeContext().getMetricGroup().counter("crawler_links_recent_dropped_total");
    }

    @Override
    public boolean filter(FrontierEntry link) {
        boolean repeat = recent.add(link.fingerprint());
        if (repeat) {
            dropped.inc();
        }
        return !repeat;
    }
}
