package io.streamcrawl.job.frontier;

import java.util.function.LongConsumer;

import org.apache.flink.api.common.state.ValueState;

/**
 * The current host's one processing-time timer, its time in keyed state, and when it is set for:
 * the next release while URLs are queued (a poll when they all wait for their task), the next due
 * retry, the next recrawl scan, and once the host is idle the time to forget what has lapsed.
 * Valid only for the key the state is scoped to when called.
 */
final class HostTimer {
    /** The operator's processing-time timers of the current key. */
    interface Timers {
        void register(long time);

        void delete(long time);

        static Timers of(LongConsumer register, LongConsumer delete) {
            return new Timers() {
                @Override
                public void register(long time) {
                    register.accept(time);
                }

                @Override
                public void delete(long time) {
                    delete.accept(time);
                }
            };
        }
    }

    private final ValueState<Long> timerAt;
    private final HostBacklog backlog;
    private final HostPacing pacing;
    private final HostRecrawl recrawl;
    private final HostRobots robots;
    private final long waitPollMs;

    HostTimer(ValueState<Long> timerAt, HostBacklog backlog, HostPacing pacing, HostRecrawl recrawl, HostRobots robots,
            long waitPollMs) {
        this.timerAt = timerAt;
        this.backlog = backlog;
        this.pacing = pacing;
        this.recrawl = recrawl;
        this.robots = robots;
        this.waitPollMs = waitPollMs;
    }

    /** The timer fired: none is set now. */
    void fired() throws Exception {
        timerAt.clear();
    }

    /**
     * Sets the timer for what comes next at {@code now} (see the class comment); {@code onlyWaiting}
     * says that the queued URLs all wait for their task (disabled, no spec, no budget grant yet).
     */
    void scheduleNext(Timers timers, long now, boolean onlyWaiting) throws Exception {
        Long next = pacing.nextFetchAt();
        long paced = next == null ? now : next;
        if (backlog.queued()) {
            scheduleAt(timers, onlyWaiting ? now + waitPollMs : Math.max(now, paced));
        } else if (backlog.retrying()) {
            scheduleAt(timers, Math.max(Math.max(now, backlog.nextRetryAt()), paced));
        } else if (recrawl.nextScanAt() == null) {
            scheduleAt(timers, Math.max(now + robots.idleKeepMs(), paced));
        }
        Long scan = recrawl.nextScanAt();
        if (scan != null) {
            scheduleAt(timers, Math.max(now, scan));
        }
    }

    /** Keeps one timer per host: moves it earlier when needed, never adds a second. */
    void scheduleAt(Timers timers, long time) throws Exception {
        Long current = timerAt.value();
        if (current != null && current <= time) {
            return;
        }
        if (current != null) {
            timers.delete(current);
        }
        timers.register(time);
        timerAt.update(time);
    }
}
