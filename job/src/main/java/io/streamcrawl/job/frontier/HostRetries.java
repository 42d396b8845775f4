package io.streamcrawl.job.frontier;

import io.streamcrawl.job.url.UrlFingerprint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The current host's URLs waiting for a retry after a failed fetch, in keyed state, each with
 * its own due time. A retry goes back to its task's queue only once it is due and the task has
 * no URL queued ({@link #takeDue}): retries wait behind fresh URLs, so a host's failing URLs
 * cannot take its turns from the good ones. Beside them are each task's earliest due time and
 * the host's (null: none waits), so "is anything waiting, and is any of it due for a task with
 * nothing queued" costs a value and a small map; only taking retries scans the host's retries,
 * which are few next to its queue. Valid only for the key the state is scoped to when called.
 */
final class HostRetries {
    private final MapState<UrlFingerprint, RetryEntry> retries;
    private final MapState<String, Long> taskNextDue;
    private final ValueState<Long> nextDue;

    HostRetries(MapState<UrlFingerprint, RetryEntry> retries, MapState<String, Long> taskNextDue,
            ValueState<Long> nextDue) {
        this.retries = retries;
        this.taskNextDue = taskNextDue;
        this.nextDue = nextDue;
    }

    /** Keeps a failed URL until {@code dueAt}. */
    void add(QueuedUrl entry, long dueAt) throws Exception {
        retries.put(entry.fingerprint(), new RetryEntry(entry, dueAt));
        Long taskNext = taskNextDue.get(entry.task());
        if (taskNext == null || dueAt < taskNext) {
            taskNextDue.put(entry.task(), dueAt);
        }
        Long next = nextDue.value();
        if (next == null || dueAt < next) {
            nextDue.update(dueAt);
        }
    }

    boolean isEmpty() throws Exception {
        return nextDue.value() == null;
    }

    /** When the earliest retry is due; null when none waits. */
    Long nextDueAt() throws Exception {
        return nextDue.value();
    }

    /**
     * Removes and returns, for each task not in {@code queuedTasks}, its earliest retry that is
     * due at {@code now}; empty when none is due yet.
     */
    List<QueuedUrl> takeDue(long now, Set<String> queuedTasks) throws Exception {
        Long next = nextDue.value();
        if (next == null || next > now) {
            return List.of();
        }
        List<String> tasks = new ArrayList<>();
        for (Map.Entry<String, Long> task : taskNextDue.entries()) {
            if (task.getValue() <= now && !queuedTasks.contains(task.getKey())) {
                tasks.add(task.getKey());
            }
        }
        if (tasks.isEmpty()) {
            return List.of();
        }
        Map<String, Map.Entry<UrlFingerprint, RetryEntry>> earliest = new HashMap<>();
        for (Map.Entry<UrlFingerprint, RetryEntry> retry : retries.entries()) {
            String task = retry.getValue().url().task();
            if (tasks.contains(task)) {
                earliest.merge(task, Map.entry(retry.getKey(), retry.getValue()),
                        (a, b) -> a.getValue().dueAt() <= b.getValue().dueAt() ? a : b);
            }
        }
        List<QueuedUrl> due = new ArrayList<>(earliest.size());
        for (Map.Entry<UrlFingerprint, RetryEntry> retry : earliest.values()) {
            retries.remove(retry.getKey());
            due.add(retry.getValue().url());
        }
        updateNextDue();
        return due;
    }

    /** Removes the retries of one task, or of all tasks when {@code task} is null; returns how many each task had. */
    Map<String, Long> drop(String task) throws Exception {
        Map<String, Long> dropped = new HashMap<>();
        Iterator<Map.Entry<UrlFingerprint, RetryEntry>> it = retries.iterator();
        while (it.hasNext()) {
            String owner = it.next().getValue().url().task();
            if (task == null || task.equals(owner)) {
                it.remove();
                dropped.merge(owner, 1L, Long::sum);
            }
        }
        if (!dropped.isEmpty()) {
            updateNextDue();
        }
        return dropped;
    }

    /** Recomputes each task's and the host's earliest due time from the retries left. */
    private void updateNextDue() throws Exception {
        Map<String, Long> byTask = new HashMap<>();
        for (RetryEntry retry : retries.values()) {
            byTask.merge(retry.url().task(), retry.dueAt(), Math::min);
        }
        taskNextDue.clear();
        taskNextDue.putAll(byTask);
        Long next = byTask.values().stream().min(Long::compare).orElse(null);
        if (next == null) {
            nextDue.clear();
        } else {
            nextDue.update(next);
        }
    }
}
