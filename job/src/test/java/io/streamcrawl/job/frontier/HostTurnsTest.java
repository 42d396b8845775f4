package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HostTurnsTest {
    private final MemoryMapState<Integer, String> state = new MemoryMapState<>();
    private final HostTurns turns = new HostTurns(state);
    private final Map<String, Integer> specPriority = Map.of("a", 0, "b", 0, "c", 0, "vip", 9);

    @Test
    void tasksOfEqualPriorityTakeTurnsOneReleaseEach() throws Exception {
        List<QueueLane> lanes = lanes("a", "b", "c");

        assertThat(tasks(lanes)).containsExactly("a", "b", "c");
        turns.took("a", 0);
        assertThat(tasks(lanes)).containsExactly("b", "c", "a");
        turns.took("c", 0);
        assertThat(tasks(lanes)).containsExactly("a", "b", "c");
    }

    @Test
    void aHigherSpecPriorityGoesFirstAndLeavesTheOthersTurnsAlone() throws Exception {
        turns.took("a", 0);
        turns.took("vip", 9);

        assertThat(tasks(lanes("a", "b", "vip"))).containsExactly("vip", "b", "a");
    }

    @Test
    void aLoneTaskNeedsNoTurnsAndAnIdleHostForgetsThem() throws Exception {
        turns.took("a", 0);
        assertThat(tasks(lanes("b"))).containsExactly("b");

        turns.clear();
        assertThat(state.isEmpty()).isTrue();
        assertThat(tasks(lanes("a", "b"))).containsExactly("a", "b");
    }

    private List<QueueLane> lanes(String... tasks) {
        return java.util.Arrays.stream(tasks).map(task -> new QueueLane(task, 0, 0)).toList();
    }

    private List<String> tasks(List<QueueLane> lanes) throws Exception {
        return turns.order(lanes, specPriority::get).stream().map(QueueLane::task).toList();
    }
}
