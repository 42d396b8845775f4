package io.streamcrawl.job.frontier;


import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The queues of the current host in keyed MapState, one per task, each made of FIFO lanes
 * ({@link QueueLane}: one per priority and depth) so that a task releases its entries by
 * priority (higher first), then depth (lower first), then arrival. Each entry sits under its
 * lane and a sequence number, and the lane's bounds say which numbers are queued, so a push or a
 * pop touches one entry in RocksDB. A host has few lanes (a task's depths are bounded by its
 * maxDepth, priorities are few), so finding each task's best lane is one scan of the bounds, done
 * by the release loop that lists the tasks anyway; it compares the lanes' fields, never RocksDB's
 * key bytes (signed numbers do not sort as bytes). The host's total is kept beside them, so "is
 * the host idle" costs one value. Valid only for the key the state is scoped to when called.
 */
final class HostQueues {
    private final MapState<QueueLane, QueueBounds> bounds;
    private final MapState<QueueSlot, QueuedUrl> items;
    private final ValueState<Long> size;

    HostQueues(MapState<QueueLane, QueueBounds> bounds, MapState<QueueSlot, QueuedUrl> items, ValueState<Long> size) {
        this.bounds = bounds;
        this.items = items;
        this.size = size;
    }

    /** Queues an entry behind the others of its lane. */
    void push(QueuedUrl entry) throws Exception {
        QueueLane lane = QueueLane.of(entry);
        QueueBounds queue = bounds.get(lane);
        long tail = queue == null ? 0 : queue.tail();
        items.put(new QueueSlot(lane, tail), entry);
        bounds.put(lane, new QueueBounds(queue == null ? 0 : queue.head(), tail + 1));
        size.update(size() + 1);
    }

    /** Queues an entry before the others of its lane: one that had its turn already and comes back. */
    void pushFront(QueuedUrl entry) throws Exception {
        QueueLane lane = QueueLane.of(entry);
        QueueBounds queue = bounds.get(lane);
        long head = queue == null ? 0 : queue.head() - 1;
        items.put(new QueueSlot(lane, head), entry);
        bounds.put(lane, new QueueBounds(head, queue == null ? 1 : queue.tail()));
        size.update(size() + 1);
    }

    /** The head of a lane, which must not be empty. */
    QueuedUrl peek(QueueLane lane) throws Exception {
        return items.get(new QueueSlot(lane, bounds.get(lane).head()));
    }

    /** Removes and returns the head of a lane, which must not be empty. */
    QueuedUrl pop(QueueLane lane) throws Exception {
        QueueBounds queue = bounds.get(lane);
        QueueSlot slot = new QueueSlot(lane, queue.head());
        QueuedUrl entry = items.get(slot);
        items.remove(slot);
        if (queue.size() == 1) {
            bounds.remove(lane);
        } else {
            bounds.put(lane, new QueueBounds(queue.head() + 1, queue.tail()));
        }
        size.update(size() - 1);
        return entry;
    }

    /** Removes all lanes of a task; returns how many entries they held. */
    long drop(String task) throws Exception {
        List<Map.Entry<QueueLane, QueueBounds>> lanes = new ArrayList<>();
        for (Map.Entry<QueueLane, QueueBounds> lane : bounds.entries()) {
            if (lane.getKey().task().equals(task)) {
                lanes.add(Map.entry(lane.getKey(), lane.getValue()));
            }
        }
        long dropped = 0;
        for (Map.Entry<QueueLane, QueueBounds> lane : lanes) {
            QueueBounds queue = lane.getValue();
            for (long seq = queue.head(); seq < queue.tail(); seq++) {
                items.remove(new QueueSlot(lane.getKey(), seq));
            }
            bounds.remove(lane.getKey());
            dropped += queue.size();
        }
        size.update(size() - dropped);
        return dropped;
    }

    /** The best non-empty lane of each task with queued entries, in the order of the tasks' names. */
    List<QueueLane> bestLanes() throws Exception {
        Map<String, QueueLane> best = new TreeMap<>();
        for (QueueLane lane : bounds.keys()) {
            best.merge(lane.task(), lane, (a, b) -> QueueLane.BEST_FIRST.compare(a, b) <= 0 ? a : b);
        }
        return new ArrayList<>(best.values());
    }

    /** The entries queued for all tasks of the host. */
    long size() throws Exception {
        Long known = size.value();
        return known == null ? 0 : known;
    }

    boolean isEmpty() throws Exception {
        return size() == 0;
    }

    /** Drops the stored total of a host with nothing queued: no value reads as 0. */
    void forgetEmptySize() throws Exception {
        if (isEmpty()) {
            size.clear();
        }
    }
}
