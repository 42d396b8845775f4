package io.streamcrawl.job.etcd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page budget of a task with {@code maxPages}, kept in etcd at {@code /budget} as the number
 * of pages granted so far. Subtasks reserve it in chunks by compare-and-set, so together they
 * never exceed it. Chunks shrink as the budget runs out (at most a share of what is left per
 * subtask), so that little stays stranded at a subtask whose queues ran dry.
 *
 * <p>A reservation whose answer is lost (etcd applied it, the reply never came) must not strand
 * its pages: each one also writes a new mark to the subtask's own key
 * ({@link TaskKeys#budgetMarkKey}), and the next reservation of the task reads that key with the
 * budget, in one request. Holding a lost one's mark, it was applied and its pages are granted now;
 * otherwise the new reservation also compares the mark, so a lost one etcd applies late is found on
 * the retry rather than left stranded. Not thread-safe: one reservation at a time per instance.
 */
public final class PageBudget {
    private static final Logger LOG = LoggerFactory.getLogger(PageBudget.class);

    /** A reservation sent to etcd: its mark and the pages it grants if applied. */
    private record Attempt(String mark, long pages) {}

    private final EtcdKv kv;
    private final TaskKeys keys;
    private final long maxChunk;
    private final int subtask;
    /** Per task, the reservations whose answer was lost, until etcd says which (at most one) it applied. */
    private final Map<String, List<Attempt>> unanswered = new HashMap<>();
    private final String instance = UUID.randomUUID().toString();
    private long attempts;

    /** A budget reserved by scheduler subtask {@code subtask}, the owner of its mark key. */
    public PageBudget(EtcdKv kv, TaskKeys keys, long maxChunk, int subtask) {
        this.kv = kv;
        this.keys = keys;
        this.maxChunk = maxChunk;
        this.subtask = subtask;
    }

    /**
     * Reserves up to one chunk of the task's budget for one of {@code parallelism} subtasks.
     *
     * @return the pages granted, 0 when the budget is spent
     * @throws EtcdKv.UnavailableException when etcd did not answer; the next call finds out
     *     whether that reservation was applied
     */
    public long reserve(String task, long maxPages, int parallelism) {
        String key = keys.key(task, TaskKeys.BUDGET);
        String markKey = keys.budgetMarkKey(task, subtask);
        while (true) {
            List<Attempt> lost = unanswered.getOrDefault(task, List.of());
            // With a reservation lost, the budget and the mark at one revision: the mark tells whether it was applied.
            Map<String, EtcdKv.Versioned> read = kv.read(lost.isEmpty() ? List.of(key) : List.of(key, markKey));
            for (Attempt attempt : lost) {
                if (attempt.mark().equals(read.get(markKey).text())) {
                    unanswered.remove(task);
                    return attempt.pages();
                }
            }
            EtcdKv.Versioned current = read.get(key);
            long left = maxPages - granted(task, current);
            if (left <= 0) {
                return 0;
            }
            long grant = Math.min(maxChunk, (left + 2L * parallelism - 1) / (2L * parallelism));
            Attempt attempt = new Attempt(instance + "/" + ++attempts, grant);
            Map<String, byte[]> values = Map.of(
                    key, Long.toString(maxPages - left + grant).getBytes(StandardCharsets.UTF_8),
                    markKey, attempt.mark().getBytes(StandardCharsets.UTF_8));
            try {
                // Compares all it read: a lost reservation etcd applies in between changes the mark.
                if (kv.putIfUnchanged(read, values)) {
                    unanswered.remove(task);
                    return grant;
                }
            } catch (EtcdKv.UnavailableException e) {
                unanswered.computeIfAbsent(task, t -> new ArrayList<>()).add(attempt);
                throw e;
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
