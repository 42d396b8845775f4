package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class HostQueuesTest {
    private final HostQueues queues = new HostQueues(new MemoryMapState<>(), new MemoryMapState<>(), new MemoryValueState<>());

    static QueuedUrl url(String task, String path, int priority, int depth) {
        return new QueuedUrl("http://a.org/" + path, task, depth, priority, null, false, 0, 0);
    }

    @Test
    void aTaskReleasesByPriorityThenDepthThenArrival() throws Exception {
        queues.push(url("t", "deep", 0, 2));
        queues.push(url("t", "first", 0, 1));
        queues.push(url("t", "urgent", 5, 3));
        queues.push(url("t", "second", 0, 1));

        assertThat(drain("t")).containsExactly("urgent", "first", "second", "deep");
        assertThat(queues.isEmpty()).isTrue();
    }

    @Test
    void aDeferredUrlGoesBackBeforeTheOthersOfItsLane() throws Exception {
        queues.push(url("t", "a", 0, 0));
        queues.push(url("t", "b", 0, 0));
        QueueLane lane = queues.bestLanes().get(0);
        QueuedUrl head = queues.pop(lane);
        queues.pushFront(head);

        assertThat(drain("t")).containsExactly("a", "b");
    }

    @Test
    void droppingATaskRemovesOnlyItsUrlsAndCountsThem() throws Exception {
        queues.push(url("t", "a", 0, 0));
        queues.push(url("t", "b", 1, 1));
        queues.push(url("u", "c", 0, 0));

        assertThat(queues.drop("t")).isEqualTo(2);
        assertThat(queues.size()).isEqualTo(1);
        assertThat(queues.bestLanes()).containsExactly(new QueueLane("u", 0, 0));
        assertThat(drain("u")).containsExactly("c");
    }

    @Test
    void theBestLaneOfEachTaskComesInTheOrderOfTheTasksNames() throws Exception {
        queues.push(url("u", "a", 0, 3));
        queues.push(url("t", "b", 0, 1));
        queues.push(url("u", "c", 1, 4));

        assertThat(queues.bestLanes()).containsExactly(new QueueLane("t", 0, 1), new QueueLane("u", 1, 4));
    }

    private List<String> drain(String task) throws Exception {
        List<String> paths = new ArrayList<>();
        while (!queues.isEmpty()) {
            QueueLane lane = queues.bestLanes().stream().filter(l -> l.task().equals(task)).findFirst().orElseThrow();
            assertThat(queues.peek(lane)).isEqualTo(queues.peek(lane));
            paths.add(queues.pop(lane).url().substring("http://a.org/".length()));
        }
        return paths;
    }
}
