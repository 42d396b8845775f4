package io.streamcrawl.connectors.etcd.reader;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue from jetcd's callback threads to the fetcher thread. Producers never block
 * (blocking a gRPC/vert.x thread would stall the client): {@link #offer} refuses when full and the
 * caller decides what that means; {@link #add} ignores the bound for the few control messages the
 * protocol allows. The consumer waits in {@link #pollAll} until items arrive, {@link #wakeUp} is
 * called, the queue is closed or the timeout passes.
 */
final class Handover<T> {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private boolean wokenUp;
    private boolean closed;

    Handover(int capacity) {
        this.capacity = capacity;
    }

    /** Adds {@code item} if there is room; false if the queue is full or closed. */
    boolean offer(T item) {
        return enqueue(item, capacity);
    }

    /** Adds {@code item} even beyond the capacity; false only if the queue is closed. */
    boolean add(T item) {
        return enqueue(item, Integer.MAX_VALUE);
    }

    /**
     * Takes every queued item, waiting up to {@code timeout} for the first one. Returns early, maybe
     * empty, after {@link #wakeUp()} (also one that came before this call) or {@link #close()}.
     */
    List<T> pollAll(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (items.isEmpty() && !wokenUp && !closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            wokenUp = false;
            List<T> taken = new ArrayList<>(items);
            items.clear();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    void wakeUp() {
        signalAfter(() -> wokenUp = true);
    }

    /** Drops queued items and refuses new ones. */
    void close() {
        signalAfter(() -> {
            closed = true;
            items.clear();
        });
    }

    private boolean enqueue(T item, int bound) {
        lock.lock();
        try {
            if (closed || items.size() >= bound) {
                return false;
            }
            items.add(item);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Applies {@code change} under the lock, then wakes a waiting {@link #pollAll}. */
    private void signalAfter(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
