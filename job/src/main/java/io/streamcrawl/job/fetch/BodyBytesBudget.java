package io.streamcrawl.job.fetch;

import org.apache.flink.util.Preconditions;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on response body bytes one fetcher holds in memory at once, over all its calls.
 * Without it, {@code capacity} slow or hostile servers could each fill a body up to their task's
 * max bytes and hold gigabytes of heap. A call reserves bytes before it reads them and gives them
 * back when its read ends, whatever way it ends; a reservation that does not fit fails at once
 * instead of waiting, so no call ever waits here holding an async slot.
 *
 * <p>Thread-safe: bodies are read on okhttp's dispatcher threads.
 */
final class BodyBytesBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBytesBudget(long limit) {
        Preconditions.checkArgument(limit > 0, "limit must be positive, was %s", limit);
        this.limit = limit;
    }

    /** Reserves {@code bytes} if they fit under the limit; never blocks. */
    boolean tryReserve(long bytes) {
        Preconditions.checkArgument(bytes >= 0, "bytes must not be negative, was %s", bytes);
        long current;
        do {
            current = held.get();
            if (current + bytes > limit) {
                return false;
            }
        } while (!held.compareAndSet(current, current + bytes));
        return true;
    }

    /** Gives back bytes an earlier {@link #tryReserve} took. */
    void release(long bytes) {
        long after = held.addAndGet(-bytes);
        Preconditions.checkState(after >= 0, "released more body bytes than were reserved: %s", after);
    }

    /** Bytes reserved now. */
    long held() {
        return held.get();
    }

    /** The most bytes that may be reserved at once; no body is read beyond it. */
    long limit() {
        return limit;
    }
}
