package io.streamcrawl.job.fetch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodyBytesBudgetTest {
    @Test
    void reservesUpToItsLimitAndNoFurtherUntilBytesComeBack() {
        BodyBytesBudget budget = new BodyBytesBudget(100);

        assertThat(budget.tryReserve(60)).isTrue();
        assertThat(budget.tryReserve(41)).isFalse();
        assertThat(budget.tryReserve(40)).isTrue();
        assertThat(budget.held()).isEqualTo(100);
        assertThat(budget.tryReserve(1)).isFalse();
        budget.release(60);
        assertThat(budget.tryReserve(1)).isTrue();
        assertThat(budget.held()).isEqualTo(41);
    }

    @Test
    void refusesToGiveBackMoreThanWasReserved() {
        BodyBytesBudget budget = new BodyBytesBudget(100);
        budget.tryReserve(10);

        assertThatThrownBy(() -> budget.release(11)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new BodyBytesBudget(0)).hasMessageContaining("limit must be positive, was 0");
    }
}
