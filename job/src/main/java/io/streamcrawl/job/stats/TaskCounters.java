package io.streamcrawl.job.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * One subtask's counters per crawl task (queued, released, pages, ...), kept as operator state
 * so that they stay consistent with the keyed state of the same checkpoint. Written by the task
 * thread, read by the {@link TaskStatsPublisher}'s thread. On rescaling the entries are spread
 * over the new subtasks, which keeps every sum across subtasks.
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

    /** One counter value, the element type of the operator state. */
    public record Count(String task, String counter, long value) {}

    private record Key(String task, String counter) {}

    private final Map<Key, AtomicLong> values = new ConcurrentHashMap<>();
    private transient ListState<Count> state;

    public void add(String task, String counter, long delta) {
        values.computeIfAbsent(new Key(task, counter), k -> new AtomicLong()).addAndGet(delta);
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

    /** Binds to the operator state {@code name} and restores from it. */
    public void initialize(FunctionInitializationContext context, String name) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(name, Count.class));
        if (context.isRestored()) {
            for (Count count : state.get()) {
                add(count.task(), count.counter(), count.value());
            }
        }
    }

    public void snapshot() throws Exception {
        List<Count> counts = new ArrayList<>();
        values.forEach((key, value) -> counts.add(new Count(key.task(), key.counter(), value.get())));
        state.update(counts);
    }
}
