package io.streamcrawl.job.frontier;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The queues of the current host, one FIFO per task, in keyed MapState: each entry sits under a
 * sequence number, and the task's bounds say which numbers are queued, so a push or a pop touches
 * one entry in RocksDB. The host's total is kept beside them, so "is the host idle" costs one
 * value. Valid only for the key the state is scoped to when called.
 */
final class HostQueues {
    private final MapState<String, QueueBounds> bounds;
    private final MapState<QueueSlot, FrontierEntry> items;
    private final ValueState<Long> size;

    HostQueues(MapState<String, QueueBounds> bounds, MapState<QueueSlot, FrontierEntry> items, ValueState<Long> size) {
        this.bounds = bounds;
        this.items = items;
        this.size = size;
    }

    /** Queues an entry behind the task's others. */
    void push(FrontierEntry entry) throws Exception {
        long total = size();
        QueueBounds queue = bounds.get(entry.task());
        long tail = queue == null ? 0 : queue.tail();
        items.put(new QueueSlot(entry.task(), tail), entry);
        bounds.put(entry.task(), new QueueBounds(queue == null ? 0 : queue.head(), tail + 1));
        size.update(total + 1);
    }

    /** Queues an entry before the task's others: one that had its turn already and comes back. */
    void pushFront(FrontierEntry entry) throws Exception {
        long total = size();
        QueueBounds queue = bounds.get(entry.task());
        long head = queue == null ? 0 : queue.head() - 1;
        items.put(new QueueSlot(entry.task(), head), entry);
        bounds.put(entry.task(), new QueueBounds(head, queue == null ? 1 : queue.tail()));
        size.update(total + 1);
    }

    /** The head of a task's queue, which must not be empty. */
    FrontierEntry peek(String task) throws Exception {
        return items.get(new QueueSlot(task, bounds.get(task).head()));
    }

    /** Removes and returns the head of a task's queue, which must not be empty. */
    FrontierEntry pop(String task) throws Exception {
        long total = size();
        QueueBounds queue = bounds.get(task);
        QueueSlot slot = new QueueSlot(task, queue.head());
        FrontierEntry entry = items.get(slot);
        items.remove(slot);
        if (queue.size() == 1) {
            bounds.remove(task);
        } else {
            bounds.put(task, new QueueBounds(queue.head() + 1, queue.tail()));
        }
        size.update(total - 1);
        return entry;
    }

    /** Removes a task's whole queue; returns how many entries it held. */
    long drop(String task) throws Exception {
        long total = size();
        QueueBounds queue = bounds.get(task);
        if (queue == null) {
            return 0;
        }
        for (long seq = queue.head(); seq < queue.tail(); seq++) {
            items.remove(new QueueSlot(task, seq));
        }
        bounds.remove(task);
        size.update(total - queue.size());
        return queue.size();
    }

    /** The tasks with queued entries. */
    List<String> tasks() throws Exception {
        List<String> tasks = new ArrayList<>();
        for (String task : bounds.keys()) {
            tasks.add(task);
        }
        return tasks;
    }

    /** The entries queued for all tasks of the host. */
    long size() throws Exception {
        Long known = size.value();
        if (known != null) {
            return known;
        }
        // State written before the total was kept: count once.
        long total = 0;
        for (QueueBounds queue : bounds.values()) {
            total += queue.size();
        }
        return total;
    }

    boolean isEmpty() throws Exception {
        return size() == 0;
    }
}
