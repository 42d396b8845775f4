package io.streamcrawl.job.frontier;

import io.streamcrawl.job.config.TaskSpec;

import java.time.Duration;

/**
 * How long a recrawling task waits before it fetches a URL again: {@code startMs} after its first
 * fetch; then half as long after a fetch that found the page changed and twice as long after one
 * that found it unchanged, within {@code [minMs, maxMs]}. Without bounds in the spec both are the
 * start: a fixed interval.
 */
record RecrawlInterval(long startMs, long minMs, long maxMs) {
    static final RecrawlInterval NONE = new RecrawlInterval(0, 0, 0);

    static RecrawlInterval of(TaskSpec spec) {
        if (spec.recrawlAfter() == null) {
            return NONE;
        }
        long start = Duration.parse(spec.recrawlAfter()).toMillis();
        return new RecrawlInterval(start, spec.recrawlMin() == null ? start : Duration.parse(spec.recrawlMin()).toMillis(),
                spec.recrawlMax() == null ? start : Duration.parse(spec.recrawlMax()).toMillis());
    }

    boolean recrawls() {
        return startMs > 0;
    }

    /** The interval after a fetch that came {@code lastMs} after the one before (0: the first fetch). */
    long next(long lastMs, boolean changed) {
        if (lastMs <= 0) {
            return startMs;
        }
        return within(changed ? lastMs / 2 : (lastMs > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : lastMs * 2));
    }

    /** {@code ms} within the bounds (which a new spec may have moved), the start for 0. */
    long within(long ms) {
        return ms <= 0 ? startMs : Math.max(minMs, Math.min(maxMs, ms));
    }
}
