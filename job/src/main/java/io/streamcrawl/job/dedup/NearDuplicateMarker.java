package io.streamcrawl.job.dedup;

import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.PageRecord;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.Preconditions;

import java.util.Optional;

/**
 * Marks a page {@code near_duplicate_of} an earlier page of its host (the key) whose SimHash is at
 * most {@code maxDistance} bits away, and remembers the fingerprints of the pages that are not
 * (up to {@code pagesPerHost} per host, see {@link SimHashIndex}). Pages without a SimHash pass
 * unchanged. A page is never marked a duplicate of its own URL (a recrawl).
 */
public class NearDuplicateMarker extends KeyedProcessFunction<String, CrawledPage, CrawledPage> {
    private static final long serialVersionUID = 1L;
    /** Bands of at least 8 bits keep the buckets of {@link SimHashIndex} small. */
    static final int MAX_DISTANCE_LIMIT = 7;

    private final int maxDistance;
    private final int pagesPerHost;

    private transient SimHashIndex index;
    private transient Counter nearDuplicates;

    public NearDuplicateMarker(int maxDistance, int pagesPerHost) {
        Preconditions.checkArgument(maxDistance >= 0 && maxDistance <= MAX_DISTANCE_LIMIT,
                "near-duplicates.max-distance must be within 0-%s, was %s", MAX_DISTANCE_LIMIT, maxDistance);
        Preconditions.checkArgument(pagesPerHost > 0, "near-duplicates.pages-per-host must be positive, was %s", pagesPerHost);
        this.maxDistance = maxDistance;
        this.pagesPerHost = pagesPerHost;
    }

    @Override
    public void open(OpenContext openContext) {
        index = new SimHashIndex(getRuntimeContext(), maxDistance, pagesPerHost);
        nearDuplicates = getRuntimeContext().getMetricGroup().counter("crawler_near_duplicates_total");
    }

    @Override
    public void processElement(CrawledPage crawled, Context ctx, Collector<CrawledPage> out) throws Exception {
        PageRecord page = crawled.record();
        if (page.simhash() == null) {
            out.collect(crawled);
            return;
        }
        long fingerprint = page.simhash();
        Optional<String> earlier = index.nearest(fingerprint);
        if (earlier.isEmpty()) {
            index.add(fingerprint, page.pageUrl());
            out.collect(crawled);
        } else if (earlier.get().equals(page.pageUrl())) {
            out.collect(crawled);
        } else {
            nearDuplicates.inc();
            out.collect(crawled.withRecord(page.withNearDuplicateOf(earlier.get())));
        }
    }
}
