package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.FailureCause;

import org.apache.flink.util.Preconditions;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The fetcher's last word on politeness: per host, at most a request's {@code limit} of requests
 * run at once, a request is sent at least its {@code spacing} after the previous one was sent, and
 * none starts before a pause the host asked for (Retry-After) is over. A request that cannot start
 * at once waits in its host's small FIFO queue; when that queue is full, or when the request cannot
 * start within its wait bound, it is deferred at once instead, so it never holds an async slot for
 * longer than the bound.
 *
 * <p>Spacing counts from when a request is really sent ({@link Ticket#sent()}), not from when the
 * gate let it go: an HTTP client may take a moment to get a request onto the wire, and two
 * requests started the spacing apart could otherwise arrive closer together.
 *
 * <p>Thread-safe: requests arrive on the operator thread, sends and completions on okhttp's
 * threads. The start and defer actions run outside the gate's lock, on the calling thread or the
 * gate's single timer thread.
 */
final class HostGate implements AutoCloseable {
    /** Hosts without work are forgotten only when the table grows past this, so spacing survives idle moments. */
    private static final int SWEEP_SIZE = 4096;

    private final int maxQueued;
    private final long maxWaitNanos;
    private final ScheduledExecutorService timer;
    /** Guarded by {@code this}. */
    private final Map<String, Host> hosts = new HashMap<>();
    private boolean closed;

    HostGate(int maxQueued, Duration maxWait) {
        Preconditions.checkArgument(maxQueued >= 0, "maxQueued must not be negative, was %s", maxQueued);
        this.maxQueued = maxQueued;
        this.maxWaitNanos = maxWait.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fetch-host-gate");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs {@code start} now or later, or {@code defer} instead; exactly one of them runs. The
     * started request reports through its {@link Ticket}.
     */
    void submit(String host, int limit, long spacingNanos, Consumer<Ticket> start, Runnable defer) {
        Preconditions.checkArgument(limit > 0, "limit must be positive, was %s", limit);
        List<Runnable> actions = new ArrayList<>(2);
        synchronized (this) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            if (hosts.size() > SWEEP_SIZE) {
                sweep(now);
            }
            Host state = hosts.computeIfAbsent(host, h -> new Host(now));
            Waiter waiter = new Waiter(limit, spacingNanos, now + maxWaitNanos, start, defer);
            if (state.waiting.size() >= maxQueued && !(state.waiting.isEmpty() && state.canStart(waiter, now))) {
                actions.add(defer);
            } else {
                state.waiting.addLast(waiter);
                pump(host, state, now, actions);
            }
        }
        actions.forEach(Runnable::run);
    }

    /** Starts no request of {@code host} for {@code pause} (a Retry-After); waiting requests that cannot wait that long are deferred. */
    void pause(String host, Duration pause) {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            Host state = hosts.computeIfAbsent(host, h -> new Host(now));
            long until = now + pause.toNanos();
            if (until - state.notBefore > 0) {
                state.notBefore = until;
            }
            pump(host, state, now, actions);
        }
        actions.forEach(Runnable::run);
    }

    /** Requests waiting now (for tests and metrics). */
    synchronized int waiting() {
        return hosts.values().stream().mapToInt(h -> h.waiting.size()).sum();
    }

    /** Drops the waiting requests without running either action: the operator is closing. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            hosts.clear();
        }
        timer.shutdownNow();
    }

    /** Starts or defers waiting requests in FIFO order while the head can be decided; wakes up later for the rest. */
    private void pump(String host, Host state, long now, List<Runnable> actions) {
        while (!state.waiting.isEmpty()) {
            Waiter head = state.waiting.peekFirst();
            long readyAt = state.readyAt(head.spacingNanos);
            if (readyAt - head.deadline > 0 || now - head.deadline >= 0) {
                state.waiting.pollFirst();
                actions.add(head.defer);
            } else if (state.canStart(head, now)) {
                state.waiting.pollFirst();
                state.running++;
                state.unsent++;
                Ticket ticket = new Ticket(host, state);
                actions.add(() -> head.start.accept(ticket));
            } else {
                // Blocked on time: wake when ready. Blocked on a slot or an unsent request: its ticket pumps again,
                // and the deadline bounds the wait.
                boolean timeOnly = state.running < head.limit && (head.spacingNanos == 0 || state.unsent == 0);
                wakeAt(host, state, timeOnly ? readyAt : head.deadline, now);
                return;
            }
        }
    }

    private void wakeAt(String host, Host state, long at, long now) {
        if (state.waking && state.wakeAt - at <= 0) {
            return;
        }
        state.waking = true;
        state.wakeAt = at;
        timer.schedule(() -> wake(host, at), Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private void wake(String host, long at) {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            Host state = hosts.get(host);
            if (closed || state == null || !state.waking || state.wakeAt != at) {
                return;
            }
            state.waking = false;
            pump(host, state, System.nanoTime(), actions);
        }
        actions.forEach(Runnable::run);
    }

    private void report(Ticket ticket, boolean finished) {
        List<Runnable> actions = new ArrayList<>(2);
        synchronized (this) {
            if (closed) {
                return;
            }
            Host state = ticket.state;
            long now = System.nanoTime();
            if (!ticket.sent) {
                ticket.sent = true;
                state.unsent--;
                if (!finished) {
                    state.sentAny = true;
                    state.lastSent = now;
                    ticket.onWire = true;
                    ticket.sentAt = now;
                }
            } else if (!finished) {
                state.lastSent = now; // a redirect followed by the client is another request
            }
            if (finished && !ticket.finished) {
                ticket.finished = true;
                state.running--;
            }
            pump(ticket.host, state, now, actions);
        }
        actions.forEach(Runnable::run);
    }

    private void answered(Ticket ticket) {
        synchronized (this) {
            long now = System.nanoTime();
            ticket.headed = true;
            ticket.state.headAny = true;
            ticket.state.lastHead = now;
        }
    }

    private synchronized FailureCause failedAt(Ticket ticket) {
        if (!ticket.onWire) {
            return FailureCause.CONNECT;
        }
        if (ticket.headed) {
            return FailureCause.BODY;
        }
        Host state = ticket.state;
        return state.headAny && state.lastHead - ticket.sentAt > 0 ? FailureCause.HEAD_WHILE_HOST_ANSWERS : FailureCause.HEAD;
    }

    private void sweep(long now) {
        Iterator<Host> it = hosts.values().iterator();
        while (it.hasNext()) {
            Host state = it.next();
            if (state.running == 0 && state.waiting.isEmpty() && !state.waking && now - state.notBefore >= 0
                    && now - state.lastSent >= maxWaitNanos) {
                it.remove();
            }
        }
    }

    /**
     * A request the gate let through. The fetcher reports when it is sent (each time, when the
     * client follows redirects), when a response head arrives, and, once, when it has finished,
     * whether it was sent or not. From these the ticket tells where a failed request failed.
     */
    final class Ticket {
        private final String host;
        private final Host state;
        /** Guarded by the gate. */
        private boolean sent;
        private boolean finished;
        /** Whether it really went onto the wire ({@link #sent} also marks one finished unsent), and when. */
        private boolean onWire;
        private long sentAt;
        private boolean headed;

        private Ticket(String host, Host state) {
            this.host = host;
            this.state = state;
        }

        void sent() {
            report(this, false);
        }

        void finished() {
            report(this, true);
        }

        /** A response head arrived: the host answers. */
        void answered() {
            HostGate.this.answered(this);
        }

        /**
         * Where the request failed, if it did: before it was on the wire, waiting for the head
         * (while the host answered a request sent no earlier, or not), or after the head.
         */
        FailureCause failedAt() {
            return HostGate.this.failedAt(this);
        }
    }

    /**
     * One host's requests; guarded by the gate. Times are {@link System#nanoTime()} values, which
     * may be negative: they are only compared by difference.
     */
    private static final class Host {
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        int running;
        /** Started and not yet on the wire: the next spacing cannot be known before they are. */
        int unsent;
        boolean sentAny;
        long lastSent;
        /** Whether, and when last, a response head of the host arrived. */
        boolean headAny;
        long lastHead;
        long notBefore;
        boolean waking;
        long wakeAt;

        Host(long now) {
            notBefore = now;
            lastSent = now;
        }

        long readyAt(long spacingNanos) {
            return sentAny && lastSent + spacingNanos - notBefore > 0 ? lastSent + spacingNanos : notBefore;
        }

        boolean canStart(Waiter waiter, long now) {
            return running < waiter.limit
                    && (waiter.spacingNanos == 0 || unsent == 0)
                    && now - readyAt(waiter.spacingNanos) >= 0;
        }
    }

    private record Waiter(int limit, long spacingNanos, long deadline, Consumer<Ticket> start, Runnable defer) {}
}
