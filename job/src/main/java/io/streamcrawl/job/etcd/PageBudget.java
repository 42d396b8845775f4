package io.streamcrawl.job.etcd;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page budget of a task with {@code maxPages}, kept in etcd at {@code /budget} as the number
 * of pages granted so far. Subtasks reserve it in chunks by compare-and-set, so together they
 * never exceed it. Chunks shrink as the budget runs out (at most a share of what is left per
 * subtask), so that little stays stranded at a subtask whose queues ran dry.
 */
public final class PageBudget {
    private static final Logger LOG = LoggerFactory.getLogger(PageBudget.class);

    private final EtcdKv kv;
    private final TaskKeys keys;
    private final long maxChunk;

    public PageBudget(EtcdKv kv, TaskKeys keys, long maxChunk) {
        this.kv = kv;
        this.keys = keys;
        this.maxChunk = maxChunk;
    }

    /**
     * Reserves up to one chunk of the task's budget for one of {@code parallelism} subtasks.
     *
     * @return the pages granted, 0 when the budget is spent
     */
    public long reserve(String task, long maxPages, int parallelism) {
        String key = keys.key(task, TaskKeys.BUDGET);
        while (true) {
            EtcdKv.Versioned current = kv.read(key);
            long left = maxPages - granted(task, current);
            if (left <= 0) {
                return 0;
            }
            long grant = Math.min(maxChunk, (left + 2L * parallelism - 1) / (2L * parallelism));
            byte[] updated = Long.toString(maxPages - left + grant).getBytes(StandardCharsets.UTF_8);
            if (kv.putIfUnchanged(key, current, updated)) {
                return grant;
            }
        }
    }

    /** Tells people and tools, through the task's status, that its budget is spent. */
    public void reportExhausted(String task, long maxPages) {
        LOG.info("Task {}: page budget of {} spent; its remaining URLs are dropped", task, maxPages);
        kv.put(keys.key(task, TaskKeys.STATUS), "budget exhausted: " + maxPages + " pages");
    }

    private long granted(String task, EtcdKv.Versioned current) {
        if (!current.present()) {
            return 0;
        }
        try {
            return Long.parseLong(current.text().trim());
        } catch (NumberFormatException e) {
            // Spending nothing more is the safe reading of a budget nobody can read.
            LOG.error("Task {}: budget key holds '{}', not a number of pages: treating the budget as spent",
                    task, current.text());
            return Long.MAX_VALUE;
        }
    }
}
