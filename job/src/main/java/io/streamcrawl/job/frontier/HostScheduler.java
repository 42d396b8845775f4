package io.streamcrawl.job.frontier;

import io.etcd.jetcd.Client;
import io.streamcrawl.job.control.ControlPlane;
import io.streamcrawl.job.control.EtcdKv;
import io.streamcrawl.job.control.PageBudget;
import io.streamcrawl.job.control.TaskEvent;
import io.streamcrawl.job.fetch.FetchRequest;
import io.streamcrawl.job.stats.DistinctUrls;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.stats.TaskStatsConfig;
import io.streamcrawl.job.stats.TaskStatsPublisher;
import io.streamcrawl.job.url.UrlFingerprint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by host: deduplicates the host's URLs exactly (per task, by 128-bit fingerprint), queues
 * them per task in RocksDB, and releases them to the fetcher from one processing-time timer per
 * host, honouring the task's delay, its enabled flag and its page budget ({@link TaskBudgets}). URLs of a disabled task, or of a task
 * whose spec has not arrived yet, stay queued; those of a deleted task are dropped.
 */
public final class HostScheduler extends KeyedBroadcastProcessFunction<String, FrontierEntry, TaskEvent, FetchRequest>
        implements CheckpointedFunction, CheckpointListener {

    /** The broadcast state of the tasks, also the descriptor of the broadcast stream. */
    public static final MapStateDescriptor<String, TaskState> TASKS =
            new MapStateDescriptor<>("tasks", Types.STRING, TypeInformation.of(TaskState.class));

    private final int releasesPerTick;
    private final long waitPollMs;
    private final TaskStatsConfig stats;
    private final ControlPlane control;
    private final long budgetChunk;

    private transient MapState<UrlFingerprint, Long> seen;
    private transient MapState<String, QueueBounds> bounds;
    private transient MapState<QueueSlot, FrontierEntry> items;
    private transient ValueState<Long> nextFetchAt;
    private transient ValueState<Long> timerAt;
    private transient Map<String, TaskView> views;
    private transient TaskCounters counters;
    private transient Client etcd;
    private transient TaskBudgets budgets;
    private transient DistinctUrls distinctUrls;
    private transient TaskStatsPublisher publisher;
    private transient Counter newUrls;
    private transient Counter duplicateUrls;
    private transient Counter droppedUrls;

    /** Page budgets are reserved from etcd at {@code control}, at most {@code budgetChunk} pages at a time. */
    public HostScheduler(int releasesPerTick, Duration waitPoll, TaskStatsConfig stats, ControlPlane control, long budgetChunk) {
        this.releasesPerTick = releasesPerTick;
        this.waitPollMs = waitPoll.toMillis();
        this.stats = stats;
        this.control = control;
        this.budgetChunk = budgetChunk;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters = new TaskCounters();
        counters.initialize(context, "host-scheduler-counters");
        etcd = control.connect();
        budgets = new TaskBudgets(new PageBudget(new EtcdKv(etcd), control.keys(), budgetChunk),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        budgets.initialize(context, "host-scheduler-budgets");
        distinctUrls = new DistinctUrls(new EtcdKv(etcd), control.keys(), getRuntimeContext().getMetricGroup());
        distinctUrls.initialize(context, "host-scheduler-distinct-urls");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot();
        budgets.snapshot();
        distinctUrls.snapshot();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        distinctUrls.mergeChanged();
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", UrlFingerprint.class, Long.class));
        bounds = getRuntimeContext().getMapState(new MapStateDescriptor<>("queue-bounds", String.class, QueueBounds.class));
        items = getRuntimeContext().getMapState(new MapStateDescriptor<>("queue", QueueSlot.class, FrontierEntry.class));
        nextFetchAt = getRuntimeContext().getState(new ValueStateDescriptor<>("next-fetch-at", Long.class));
        timerAt = getRuntimeContext().getState(new ValueStateDescriptor<>("timer-at", Long.class));
        views = new HashMap<>();
        newUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_new_total");
        duplicateUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_duplicate_total");
        droppedUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_dropped_total");
        publisher = stats.startPublishing(
                counters, Set.of(TaskCounters.QUEUED, TaskCounters.RELEASED), getRuntimeContext().getTaskInfo());
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        if (distinctUrls != null) {
            distinctUrls.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    public void processElement(FrontierEntry entry, ReadOnlyContext ctx, Collector<FetchRequest> out) throws Exception {
        UrlFingerprint fingerprint = entry.fingerprint();
        if (seen.contains(fingerprint)) {
            duplicateUrls.inc();
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        seen.put(fingerprint, now);
        push(entry);
        newUrls.inc();
        distinctUrls.add(entry.task(), fingerprint.high());
        Long next = nextFetchAt.value();
        scheduleAt(ctx, next == null ? now : Math.max(now, next));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FetchRequest> out) throws Exception {
        timerAt.clear();
        long now = ctx.timerService().currentProcessingTime();
        ReadOnlyBroadcastState<String, TaskState> tasks = ctx.getBroadcastState(TASKS);
        int released = 0;
        boolean progress = true;
        boolean politenessWait = false;
        while (progress && !politenessWait && released < releasesPerTick) {
            progress = false;
            for (String task : queuedTasks()) {
                TaskState state = tasks.get(task);
                if (state != null && state.deleted()) {
                    dropQueue(task);
                    continue;
                }
                if (state == null || !state.enabled() || state.specJson() == null) {
                    continue;
                }
                FrontierEntry entry = pop(task);
                progress = true;
                TaskView view = views.computeIfAbsent(state.specJson(), TaskView::of);
                if (entry.depth() > view.spec().maxDepth() || !view.scope().allows(entry.url())
                        || !budgets.take(task, view.spec().maxPages())) {
                    droppedUrls.inc();
                    continue;
                }
                out.collect(new FetchRequest(entry.url(), task, entry.depth(), entry.priority(),
                        entry.depth() < view.spec().maxDepth(), view.scope(), view.fetch()));
                counters.add(task, TaskCounters.RELEASED, 1);
                released++;
                long delay = view.spec().politeness().delayMs();
                if (delay > 0) {
                    nextFetchAt.update(now + delay);
                    politenessWait = true;
                    break;
                }
            }
        }
        if (!bounds.isEmpty()) {
            Long next = nextFetchAt.value();
            boolean onlyWaiting = !progress && !politenessWait && released < releasesPerTick;
            scheduleAt(ctx, onlyWaiting ? now + waitPollMs : Math.max(now, next == null ? now : next));
        }
    }

    @Override
    public void processBroadcastElement(TaskEvent event, Context ctx, Collector<FetchRequest> out) throws Exception {
        BroadcastState<String, TaskState> tasks = ctx.getBroadcastState(TASKS);
        TaskState current = tasks.get(event.task());
        if (current == null) {
            current = TaskState.UNKNOWN;
        }
        TaskState updated = switch (event.kind()) {
            case SPEC -> new TaskState(event.specJson(), current.enabled(), false);
            case ENABLED -> new TaskState(current.specJson(), event.enabled(), current.deleted());
            case DELETED -> new TaskState(null, false, true);
        };
        if (event.kind() == TaskEvent.Kind.DELETED) {
            budgets.forget(event.task());
        }
        tasks.put(event.task(), updated);
    }

    private List<String> queuedTasks() throws Exception {
        List<String> tasks = new ArrayList<>();
        for (String task : bounds.keys()) {
            tasks.add(task);
        }
        return tasks;
    }

    private void push(FrontierEntry entry) throws Exception {
        QueueBounds queue = bounds.get(entry.task());
        long tail = queue == null ? 0 : queue.tail();
        items.put(new QueueSlot(entry.task(), tail), entry);
        bounds.put(entry.task(), new QueueBounds(queue == null ? 0 : queue.head(), tail + 1));
        counters.add(entry.task(), TaskCounters.QUEUED, 1);
    }

    /** Pops the head of a task's queue, which must not be empty. */
    private FrontierEntry pop(String task) throws Exception {
        QueueBounds queue = bounds.get(task);
        QueueSlot slot = new QueueSlot(task, queue.head());
        FrontierEntry entry = items.get(slot);
        items.remove(slot);
        if (queue.size() == 1) {
            bounds.remove(task);
        } else {
            bounds.put(task, new QueueBounds(queue.head() + 1, queue.tail()));
        }
        counters.add(task, TaskCounters.QUEUED, -1);
        return entry;
    }

    private void dropQueue(String task) throws Exception {
        QueueBounds queue = bounds.get(task);
        for (long seq = queue.head(); seq < queue.tail(); seq++) {
            items.remove(new QueueSlot(task, seq));
        }
        bounds.remove(task);
        counters.add(task, TaskCounters.QUEUED, -queue.size());
        droppedUrls.inc(queue.size());
    }

    /** Keeps one timer per host: moves it earlier when needed, never adds a second. */
    private void scheduleAt(ReadOnlyContext ctx, long time) throws Exception {
        Long current = timerAt.value();
        if (current != null && current <= time) {
            return;
        }
        if (current != null) {
            ctx.timerService().deleteProcessingTimeTimer(current);
        }
        ctx.timerService().registerProcessingTimeTimer(time);
        timerAt.update(time);
    }
}
