package io.streamcrawl.job.frontier;

import java.util.Comparator;

/**
 * One FIFO of a task's queue on a host: the entries of one priority and one depth. A task's next
 * entry is the head of its best lane, higher priority first, then lower depth; arrival orders
 * the entries inside a lane.
 */
public record QueueLane(String task, int priority, int depth) {
    /** Best first: higher priority, then lower depth. */
    static final Comparator<QueueLane> BEST_FIRST = (a, b) -> a.priority() != b.priority()
            ? Integer.compare(b.priority(), a.priority())
            : Integer.compare(a.depth(), b.depth());

    static QueueLane of(QueuedUrl entry) {
        return new QueueLane(entry.task(), entry.priority(), entry.depth());
    }
}
