package io.streamcrawl.job.frontier;

import io.streamcrawl.job.stats.TaskCounters;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the current host has waiting, counted: its queues ({@link HostQueues}) and its retries
 * ({@link HostRetries}). Every entry that comes or goes moves its task's {@code queued} count,
 * and a host that goes from idle to busy or back moves the subtask's count of active hosts.
 * Valid only for the key the state is scoped to when called.
 */
final class HostBacklog {
    private final HostQueues queues;
    private final HostRetries retries;
    private final TaskCounters counters;
    private final AtomicLong activeHosts;

    HostBacklog(HostQueues queues, HostRetries retries, TaskCounters counters, AtomicLong activeHosts) {
        this.queues = queues;
        this.retries = retries;
        this.counters = counters;
        this.activeHosts = activeHosts;
    }

    /** Queues an entry behind the others of its lane. */
    void push(QueuedUrl entry) throws Exception {
        arriving(entry);
        queues.push(entry);
    }

    /** Queues an entry before the others of its lane: one that had its turn and was deferred. */
    void pushFront(QueuedUrl entry) throws Exception {
        arriving(entry);
        queues.pushFront(entry);
    }

    /** Keeps a URL whose fetch failed until {@code dueAt}; it counts as queued meanwhile. */
    void awaitRetry(QueuedUrl entry, long dueAt) throws Exception {
        arriving(entry);
        retries.add(entry, dueAt);
    }

    /**
     * Moves each task's earliest due retry to the back of its queue when the task has nothing
     * queued: a retry goes only when no fresh URL of its task is ready. It stays counted as queued.
     */
    void promoteDueRetries(long now) throws Exception {
        Long due = retries.nextDueAt();
        if (due == null || due > now) {
            return;
        }
        Set<String> queuedTasks = new HashSet<>();
        for (QueueLane lane : queues.bestLanes()) {
            queuedTasks.add(lane.task());
        }
        for (QueuedUrl retry : retries.takeDue(now, queuedTasks)) {
            queues.push(retry);
        }
    }

    /** The best non-empty lane of each task with queued entries, in the order of the tasks' names. */
    List<QueueLane> bestLanes() throws Exception {
        return queues.bestLanes();
    }

    /** The head of a lane, which must not be empty. */
    QueuedUrl peek(QueueLane lane) throws Exception {
        return queues.peek(lane);
    }

    /** Removes the head of a lane, which must not be empty. */
    void pop(QueueLane lane) throws Exception {
        queues.pop(lane);
        counters.add(lane.task(), TaskCounters.QUEUED, -1);
        if (idle()) {
            activeHosts.decrementAndGet();
        }
    }

    /** Removes the queued URLs and retries of a task; returns how many. */
    long drop(String task) throws Exception {
        long dropped = queues.drop(task) + retries.drop(task).getOrDefault(task, 0L);
        counters.add(task, TaskCounters.QUEUED, -dropped);
        if (idle()) {
            activeHosts.decrementAndGet();
        }
        return dropped;
    }

    /** Removes everything waiting on a host that is not idle; returns how many URLs each task had, by task name. */
    Map<String, Long> dropAll() throws Exception {
        Map<String, Long> dropped = new TreeMap<>(retries.drop(null));
        for (QueueLane lane : queues.bestLanes()) {
            dropped.merge(lane.task(), queues.drop(lane.task()), Long::sum);
        }
        dropped.forEach((task, urls) -> counters.add(task, TaskCounters.QUEUED, -urls));
        activeHosts.decrementAndGet();
        return dropped;
    }

    /** Whether the host has nothing queued and no retry waiting. */
    boolean idle() throws Exception {
        return queues.isEmpty() && retries.isEmpty();
    }

    /** Whether the host has URLs in its queues (retries not counted). */
    boolean queued() throws Exception {
        return !queues.isEmpty();
    }

    /** Whether a retry waits. */
    boolean retrying() throws Exception {
        return !retries.isEmpty();
    }

    /** When the earliest retry is due; null when none waits. */
    Long nextRetryAt() throws Exception {
        return retries.nextDueAt();
    }

    /** Drops the stored queue total of a host with nothing queued. */
    void forgetEmptySize() throws Exception {
        queues.forgetEmptySize();
    }

    private void arriving(QueuedUrl entry) throws Exception {
        if (idle()) {
            activeHosts.incrementAndGet();
        }
        counters.add(entry.task(), TaskCounters.QUEUED, 1);
    }
}
