package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.frontier.HostQueuesTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HostRetriesTest {
    private final HostRetries retries = new HostRetries(new MemoryMapState<>(), new MemoryMapState<>(), new MemoryValueState<>());

    @Test
    void aRetryGoesOnlyOnceDueAndWhileItsTaskHasNothingQueued() throws Exception {
        retries.add(url("t", "late", 0, 0), 300);
        retries.add(url("t", "early", 0, 0), 100);
        retries.add(url("u", "other", 0, 0), 100);

        assertThat(retries.nextDueAt()).isEqualTo(100);
        assertThat(retries.takeDue(99, Set.of())).isEmpty();
        assertThat(retries.takeDue(100, Set.of("u"))).as("u has fresh URLs queued: its retry waits")
                .containsExactly(url("t", "early", 0, 0));
        assertThat(retries.takeDue(200, Set.of())).as("one per task and take").containsExactly(url("u", "other", 0, 0));
        assertThat(retries.nextDueAt()).isEqualTo(300);
        assertThat(retries.takeDue(300, Set.of())).containsExactly(url("t", "late", 0, 0));
        assertThat(retries.isEmpty()).isTrue();
    }

    @Test
    void droppingCountsTheRetriesOfEachTask() throws Exception {
        retries.add(url("t", "a", 0, 0), 100);
        retries.add(url("t", "b", 0, 0), 50);
        retries.add(url("u", "c", 0, 0), 200);

        assertThat(retries.drop("t")).isEqualTo(Map.of("t", 2L));
        assertThat(retries.nextDueAt()).isEqualTo(200);
        assertThat(retries.drop(null)).isEqualTo(Map.of("u", 1L));
        assertThat(retries.isEmpty()).isTrue();
    }
}
