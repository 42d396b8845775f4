package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class HoldsTest {
    @Test
    void aConditionThatStaysTrueHoldsForThePeriod() {
        long start = System.nanoTime();

        Holds.forAtLeast(Duration.ofMillis(300), () -> true);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aConditionThatTurnsFalseFailsAtOnce() {
        long start = System.nanoTime();
        AtomicInteger polls = new AtomicInteger();

        assertThatThrownBy(() -> Holds.forAtLeast(Duration.ofSeconds(10), () -> polls.incrementAndGet() < 5))
                .hasMessageContaining("stopped holding");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aConditionFalseAtFirstDoesNotHold() {
        assertThatThrownBy(() -> Holds.forAtLeast(Duration.ofSeconds(1), () -> false))
                .hasMessageContaining("stopped holding");
    }

    @Test
    void eventuallyWaitsForTheConditionToSettle() {
        AtomicInteger value = new AtomicInteger();

        Holds.eventuallyForAtLeast(Duration.ofMillis(200), Duration.ofSeconds(5),
                Holds.unchanged(() -> value.get() < 10 ? value.incrementAndGet() : value.get()));

        assertThat(value.get()).isEqualTo(10);
    }

    @Test
    void eventuallyFailsWhenTheConditionNeverSettles() {
        AtomicInteger value = new AtomicInteger();

        assertThatThrownBy(() -> Holds.eventuallyForAtLeast(Duration.ofMillis(500), Duration.ofSeconds(1),
                Holds.unchanged(value::incrementAndGet))).hasMessageContaining("settling for");
    }
}
