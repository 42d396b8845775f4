package io.streamcrawl.job.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TaskCountersTest {
    @Test
    void onlyTheValuesOfACompletedCheckpointAreShown() {
        TaskCounters counters = new TaskCounters();
        counters.add("news", TaskCounters.RELEASED, 3);
        assertThat(counters.completed().values()).isEmpty();

        counters.taken(1);
        counters.add("news", TaskCounters.RELEASED, 2);
        counters.taken(2);
        counters.add("news", TaskCounters.RELEASED, 4);
        assertThat(counters.completed().values()).as("no checkpoint completed yet").isEmpty();

        counters.checkpointComplete(1);
        assertThat(counters.completed()).isEqualTo(new TaskCounters.Completed(1, Map.of("news", Map.of(TaskCounters.RELEASED, 3L))));
        counters.checkpointComplete(2);
        assertThat(counters.completed()).isEqualTo(new TaskCounters.Completed(2, Map.of("news", Map.of(TaskCounters.RELEASED, 5L))));
        assertThat(counters.get("news", TaskCounters.RELEASED)).as("the live value").isEqualTo(9);
    }

    @Test
    void aCompletedCheckpointSubsumesTheEarlierOnes() {
        TaskCounters counters = new TaskCounters();
        counters.add("news", TaskCounters.DONE, 1);
        counters.taken(1);
        counters.add("news", TaskCounters.DONE, 1);
        counters.taken(2);

        counters.checkpointComplete(2);
        counters.checkpointComplete(1);

        assertThat(counters.completed()).isEqualTo(new TaskCounters.Completed(2, Map.of("news", Map.of(TaskCounters.DONE, 2L))));
    }

    @Test
    void timeCountersKeepTheEarliestAndTheLatestAlsoWhenARestoreMergesSubtasks() {
        TaskCounters counters = new TaskCounters();
        String first = TaskCounters.firstTime("fetch");
        String last = TaskCounters.lastTime("fetch");
        counters.time("news", first, 500);
        counters.time("news", last, 500);
        counters.time("news", first, 300);
        counters.time("news", last, 300);

        // After a rescale, this subtask also gets another subtask's values.
        counters.restore(new TaskCounters.Count("news", first, 200));
        counters.restore(new TaskCounters.Count("news", last, 900));
        counters.restore(new TaskCounters.Count("news", TaskCounters.DONE, 4));
        counters.restore(new TaskCounters.Count("news", TaskCounters.DONE, 3));

        assertThat(counters.view()).isEqualTo(Map.of("news", Map.of(first, 200L, last, 900L, TaskCounters.DONE, 7L)));
    }
}
