package io.streamcrawl.job.stats;

import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.PageRecord;

import java.util.Set;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Counts finished fetches per task ({@code done}, of which {@code pages} succeeded and
 * {@code errors} failed) and publishes them with the scheduler's counters, both as of the last
 * completed checkpoint, so that {@code released - done} is what was in flight then. A page
 * recorded before a failure counts too: the restore undid its count. Also counts what the crawl
 * report shows ({@link ReportCounters}). Passes pages through unchanged.
 */
public final class PageCounter extends RichMapFunction<CrawledPage, CrawledPage>
        implements CheckpointedFunction, CheckpointListener {
    private final TaskStatsSettings stats;
    private final ReportCounters.Bounds reportBounds;
    private transient TaskCounters counters;
    private transient ReportCounters report;
    private transient TaskStatsPublisher publisher;
    private transient Counter pagesTotal;

    public PageCounter(TaskStatsSettings stats, ReportCounters.Bounds reportBounds) {
        this.stats = stats;
        this.reportBounds = reportBounds;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters = new TaskCounters();
        counters.initialize(context, "page-counters");
        report = new ReportCounters(counters, reportBounds);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot(context.getCheckpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        counters.checkpointComplete(checkpointId);
        publisher.publishSoon();
    }

    @Override
    public void open(OpenContext openContext) {
        pagesTotal = getRuntimeContext().getMetricGroup().counter("crawler_pages_total");
        publisher = stats.startPublishing(counters,
                Set.of(TaskCounters.DONE, TaskCounters.PAGES, TaskCounters.ERRORS, ReportCounters.FAMILY), getRuntimeContext().getTaskInfo());
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
    }

    @Override
    public CrawledPage map(CrawledPage crawled) {
        PageRecord page = crawled.record();
        counters.add(page.task(), TaskCounters.DONE, 1);
        boolean ok = page.error() == null && page.status() >= 200 && page.status() < 400;
        counters.add(page.task(), ok ? TaskCounters.PAGES : TaskCounters.ERRORS, 1);
        report.count(crawled);
        pagesTotal.inc();
        return crawled;
    }
}
