package io.streamcrawl.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Assertions that a condition stays true for a while: that something does not happen (no more
 * requests after a task is paused, no write by a fenced job). They poll with Awaitility instead
 * of sleeping, and fail as soon as a poll finds the condition false.
 */
public final class Holds {
    private static final Duration POLL = Duration.ofMillis(50);
    /** Time for the last polls past the period on a loaded machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private Holds() {}

    /** Asserts that {@code condition} is true now and at every poll for {@code period}. */
    public static void forAtLeast(Duration period, Callable<Boolean> condition) {
        await("a condition holding for " + period)
                .pollDelay(Duration.ZERO).pollInterval(POLL)
                .during(period).atMost(period.plus(SLACK))
                .failFast("the condition stopped holding", () -> !condition.call())
                .until(condition);
    }

    /**
     * Waits at most {@code atMost} for {@code condition} to become true and then stay true at
     * every poll for {@code period}: for a state the system settles into (a task gone idle).
     */
    public static void eventuallyForAtLeast(Duration period, Duration atMost, Callable<Boolean> condition) {
        await("a condition settling for " + period)
                .pollInterval(POLL).during(period).atMost(atMost).until(condition);
    }

    /**
     * A condition that is true while {@code value} is what it was at the previous poll; with
     * {@link #eventuallyForAtLeast} it waits for a value that stopped changing.
     */
    public static <T> Callable<Boolean> unchanged(Callable<T> value) {
        AtomicReference<Object> previous = new AtomicReference<>(new Object());
        return () -> {
            T now = value.call();
            return Objects.equals(previous.getAndSet(now), now);
        };
    }
}
