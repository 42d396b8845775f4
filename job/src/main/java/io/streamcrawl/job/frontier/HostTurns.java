package io.streamcrawl.job.frontier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.function.FunctionWithException;

/**
 * Whose turn it is among the tasks of the current host, in keyed state: for each spec priority,
 * the task that took the host's last turn at that priority. The release loop offers the turn by
 * spec priority (higher first) and, within one priority, by task name starting after the task
 * that had it last, so tasks of equal priority alternate one release each. The last task is kept
 * per priority so that a task of higher priority passing in between does not hand the turn of the
 * others back to the first name. No entry (a new host, a savepoint of a build without turns)
 * starts at the first name. Valid only for the key the state is scoped to when called.
 */
final class HostTurns {
    private final MapState<Integer, String> lastTask;

    HostTurns(MapState<Integer, String> lastTask) {
        this.lastTask = lastTask;
    }

    /**
     * The lanes (one per task) in the order their tasks get the turn, given each task's spec
     * priority. A lone lane costs no state access: most hosts belong to one task.
     */
    List<QueueLane> order(List<QueueLane> lanes, FunctionWithException<String, Integer, Exception> specPriority)
            throws Exception {
        if (lanes.size() < 2) {
            return lanes;
        }
        Map<String, Integer> priorities = new HashMap<>();
        Map<Integer, String> last = new HashMap<>();
        for (QueueLane lane : lanes) {
            int priority = specPriority.apply(lane.task());
            priorities.put(lane.task(), priority);
            if (!last.containsKey(priority)) {
                last.put(priority, lastTask.get(priority));
            }
        }
        Comparator<QueueLane> byPriority =
                Comparator.comparing(lane -> priorities.get(lane.task()), Comparator.reverseOrder());
        Comparator<QueueLane> afterLast = Comparator.comparing(lane -> {
            String previous = last.get(priorities.get(lane.task()));
            return previous != null && lane.task().compareTo(previous) <= 0;
        });
        List<QueueLane> ordered = new ArrayList<>(lanes);
        ordered.sort(byPriority.thenComparing(afterLast).thenComparing(QueueLane::task));
        return ordered;
    }

    /** Forgets the turns of a host with nothing queued: whoever comes next starts them again. */
    void clear() {
        lastTask.clear();
    }

    /** The task took the host's turn (a release or its robots.txt request) at its spec priority. */
    void took(String task, int specPriority) throws Exception {
        lastTask.put(specPriority, task);
    }
}
