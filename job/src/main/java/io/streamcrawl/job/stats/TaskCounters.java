package io.streamcrawl.job.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * One subtask's counters per crawl task (queued, released, pages, ...), kept as operator state
 * so that they stay consistent with the keyed state of the same checkpoint. Written by the task
 * thread, read by the {@link TaskStatsPublisher}'s thread. On rescaling the entries are spread
 * over the new subtasks, which keeps every sum across subtasks.
 *
 * <p>What is published are the values of the last completed checkpoint ({@link #completed}),
 * with its id: a checkpoint is a consistent cut of the whole job, so counters of different
 * operators (released by the schedulers, done by the page counters) add up there. Live values,
 * each operator's at another moment, would not: a page counted done after its release was
 * published would show a negative number in flight.
 *
 * <p>Most counters are sums. Counters named {@code …_first_ms} and {@code …_last_ms} are times
 * instead ({@link #time}): the earliest and the latest given, which a restore merges the same way.
 */
public final class TaskCounters {
    /** URLs waiting in a host scheduler's queues. */
    public static final String QUEUED = "queued";
    /** URLs released to the fetcher. */
    public static final String RELEASED = "released";
    /** Fetches finished, successful or not. */
    public static final String DONE = "done";
    /** Fetches that got a 2xx or 3xx response. */
    public static final String PAGES = "pages";
    /** Fetches that failed or got a 4xx or 5xx response. */
    public static final String ERRORS = "errors";
    /** URLs dropped unfetched because their host stayed unreachable ({@code backoff.give-up}): failures too. */
    public static final String GIVEN_UP = "given_up";

    /** Robots.txt rules kept URLs from being fetched: the scheduler dropped them. */
    public static final String ROBOTS_DISALLOWED = "robots_disallowed";

    private static final String FIRST_TIME = "_first_ms";
    private static final String LAST_TIME = "_last_ms";

    /** The name of a time counter that keeps the earliest time given. */
    public static String firstTime(String name) {
        return name + FIRST_TIME;
    }

    /** The name of a time counter that keeps the latest time given. */
    public static String lastTime(String name) {
        return name + LAST_TIME;
    }

    /** The field, next to a counter's, with the id of the checkpoint its published value is of. */
    public static String checkpointOf(String counter) {
        return counter + "_checkpoint";
    }

    /** The values of one completed checkpoint: task -> counter -> value. */
    public record Completed(long checkpointId, Map<String, Map<String, Long>> values) {
        static final Completed NONE = new Completed(0, Map.of());
    }

    /** One counter value, the element type of the operator state. */
    public record Count(String task, String counter, long value) {}

    private record Key(String task, String counter) {}

    private final Map<Key, AtomicLong> values = new ConcurrentHashMap<>();
    /** The values snapshotted for checkpoints not completed yet, by checkpoint id. */
    private final NavigableMap<Long, Map<String, Map<String, Long>>> snapshots = new ConcurrentSkipListMap<>();
    private volatile Completed completed = Completed.NONE;
    private transient ListState<Count> state;

    public void add(String task, String counter, long delta) {
        values.computeIfAbsent(new Key(task, counter), k -> new AtomicLong()).addAndGet(delta);
    }

    /** Keeps {@code epochMs} in a time counter ({@link #firstTime} or {@link #lastTime}) if it is earlier or later. */
    public void time(String task, String counter, long epochMs) {
        boolean first = counter.endsWith(FIRST_TIME);
        if (!first && !counter.endsWith(LAST_TIME)) {
            throw new IllegalArgumentException("not a time counter: " + counter);
        }
        values.computeIfAbsent(new Key(task, counter), k -> new AtomicLong())
                .accumulateAndGet(epochMs, (kept, given) -> kept == 0 ? given : first ? Math.min(kept, given) : Math.max(kept, given));
    }

    public long get(String task, String counter) {
        AtomicLong value = values.get(new Key(task, counter));
        return value == null ? 0 : value.get();
    }

    /** The sum of a counter over all tasks. */
    public long total(String counter) {
        long total = 0;
        for (Map.Entry<Key, AtomicLong> entry : values.entrySet()) {
            if (entry.getKey().counter().equals(counter)) {
                total += entry.getValue().get();
            }
        }
        return total;
    }

    /** The current values: task -> counter -> value. */
    public Map<String, Map<String, Long>> view() {
        Map<String, Map<String, Long>> view = new TreeMap<>();
        values.forEach((key, value) -> view.computeIfAbsent(key.task(), t -> new TreeMap<>()).put(key.counter(), value.get()));
        return view;
    }

    /** The values of the last completed checkpoint, or of the one restored from. */
    public Completed completed() {
        return completed;
    }

    /** Binds to the operator state {@code name} and restores from it. */
    public void initialize(FunctionInitializationContext context, String name) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(name, Count.class));
        if (context.isRestored()) {
            for (Count count : state.get()) {
                restore(count);
            }
            completed = new Completed(context.getRestoredCheckpointId().orElse(0), view());
        }
    }

    /** Takes a restored value in: after a rescale one subtask may get the values of several. */
    void restore(Count count) {
        if (count.counter().endsWith(FIRST_TIME) || count.counter().endsWith(LAST_TIME)) {
            time(count.task(), count.counter(), count.value());
        } else {
            add(count.task(), count.counter(), count.value());
        }
    }

    public void snapshot(long checkpointId) throws Exception {
        List<Count> counts = new ArrayList<>();
        values.forEach((key, value) -> counts.add(new Count(key.task(), key.counter(), value.get())));
        state.update(counts);
        taken(checkpointId);
    }

    /** Keeps the current values as those of {@code checkpointId}, until it completes. */
    void taken(long checkpointId) {
        snapshots.put(checkpointId, view());
    }

    /** The values snapshotted for {@code checkpointId} become the published ones. */
    public void checkpointComplete(long checkpointId) {
        Map<String, Map<String, Long>> values = snapshots.get(checkpointId);
        if (values != null) {
            completed = new Completed(checkpointId, values);
        }
        snapshots.headMap(checkpointId, true).clear();
    }
}
