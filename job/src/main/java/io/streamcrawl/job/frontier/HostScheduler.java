package io.streamcrawl.job.frontier;

import io.streamcrawl.job.control.WorkerRegistration;
import io.streamcrawl.job.control.WorkerRegistrySettings;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.TaskEvent;
import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.stats.TaskStatsPublisher;
import io.streamcrawl.job.stats.TaskStatsSettings;
import io.streamcrawl.job.url.UrlFingerprint;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import javax.annotation.Nullable;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by host: deduplicates the host's URLs exactly (per task, by 128-bit fingerprint), queues
 * them per task in RocksDB, and releases them to the fetcher from one processing-time timer per
 * host. Each release (and each robots.txt request) is one turn of the host: it goes to the task
 * with the highest spec {@code priority} that has a URL ready, and tasks of equal spec priority
 * take turns, one release each ({@link HostTurns}); a task's own URLs go by their entry priority,
 * then depth, then arrival ({@link HostQueues}). URLs of a disabled task, or of a task whose spec
 * has not arrived yet, stay queued and do not hold up the others; those of a deleted task are
 * dropped. A task with {@code maxPages} releases no more than its page
 * budget, shared by all subtasks through etcd ({@link TaskBudgets}), and while no grant can be had
 * (etcd slow or unreachable) its URLs wait like those of a disabled task; distinct URLs per task are
 * counted in sketches merged into etcd after each checkpoint ({@code DistinctUrls}); both reach the
 * scheduler through {@link TaskCoordination}.
 *
 * <p>This operator only binds the keyed, broadcast and operator state, the timers and the
 * checkpoint hooks; what to do with an arriving entry is {@link HostIntake}'s decision and what the
 * host's timer releases is {@link HostReleases}'s, both in plain Java over the host's state parts
 * ({@link HostParts}), with every metric in {@link SchedulerMetrics}.
 *
 * <p>Releases of one host are spaced by max(task delay, robots.txt crawl-delay up to the task's
 * cap). A task that obeys robots.txt first gets its origin's robots.txt (one request, whose
 * answer is kept in keyed state for a TTL, see {@link HostRobots}); its URLs wait meanwhile, and
 * while the robots.txt is unreachable, up to a give-up time after which they are dropped;
 * disallowed URLs are dropped.
 *
 * <p>A task with a {@code recrawlAfter} interval fetches its URLs again: each released URL gets
 * its next fetch time in keyed state, and the host's timer puts the due ones back in their queue
 * ({@link HostRecrawl}); there is no timer per URL. Its plan keeps the validators of the URL's
 * last answer and its last capture, which the release sends to the fetcher; a {@code capture}
 * entry from the fetch side brings the new ones and moves the next fetch by whether the page
 * changed ({@link RecrawlInterval}).
 *
 * <p>Feedback from the fetch side arrives through the frontier like URLs: an entry marked
 * {@code retry} is taken without deduplication if it answers its URL's latest release (see
 * {@link HostSeen#takeBack}): a deferred one ({@link HostSignal#BUSY}, which also pauses the host
 * briefly) goes back to the front of its queue, a failed one waits in the host's retry area
 * ({@link HostRetries}) for its own delay and goes only when its task has no fresh URL queued.
 * A {@code robots} entry answers a robots.txt request. {@link HostSignal#FAILED} (host-level)
 * signals pause the host for their Retry-After and, counted as {@link HostPacing} says, open its
 * circuit breaker ({@link HostBackoff}, {@link BackoffSettings}); while it is open one page at a
 * time goes as its probe, until a {@link HostSignal#OK} or {@link HostSignal#URL_FAILED} (the
 * server answered) closes it. A host whose breaker stays open for {@code backoff.give-up} has
 * its URLs dropped and counted as given up ({@link HostReleases}).
 *
 * <p>A host that goes idle (nothing queued, no recrawl planned) keeps its one timer, set for
 * when its robots.txt records and its pause have lapsed, and at least {@code robots.cache-ttl}
 * later. If it is still idle then, what was only a cache or whose meaning has lapsed is
 * forgotten: robots.txt records past their TTL, the spacing and the breaker (so a host that
 * comes back is treated as new), the turns, the zero queue size and the timer itself. What
 * keeps its meaning stays: {@code seen} (a URL is fetched once per task, however long the
 * host sleeps), {@code host-pages} (the task's maxPagesPerHost) and the recrawl entries and plans. No
 * state TTL: turning it on for an existing state would make savepoints incompatible.
 */
public final class HostScheduler extends KeyedBroadcastProcessFunction<String, FrontierEntry, TaskEvent, FetchRequest>
        implements CheckpointedFunction, CheckpointListener {
    /** The broadcast state of the tasks, also the descriptor of the broadcast stream. */
    public static final MapStateDescriptor<String, TaskState> TASKS =
            new MapStateDescriptor<>("tasks", Types.STRING, TypeInformation.of(TaskState.class));

    private final SchedulerSettings settings;
    private final RobotsSettings robotsSettings;
    private final BackoffSettings backoffSettings;
    private final TaskStatsSettings stats;
    private final TaskCoordination.Factory coordination;
    @Nullable private WorkerRegistrySettings workers;

    private transient TaskCounters counters;
    /** Hosts of this subtask with queued URLs; read by the metric reporter's thread. */
    private transient AtomicLong activeHosts;
    private transient ListState<Long> activeHostsState;
    private transient SchedulerMetrics metrics;
    private transient TaskCoordination shared;
    private transient HostsBackingOff backingOff;
    private transient HostTimer timer;
    private transient HostIntake intake;
    private transient HostReleases releases;
    private transient TaskStatsPublisher publisher;
    @Nullable private transient WorkerRegistration worker;

    /** Page budgets are reserved from etcd at {@code control}, at most {@code budgetChunk} pages at a time. */
    public HostScheduler(SchedulerSettings settings, RobotsSettings robotsSettings, BackoffSettings backoffSettings,
            TaskStatsSettings stats, ControlPlane control, long budgetChunk) {
        this(settings, robotsSettings, backoffSettings, stats, new EtcdTaskCoordination.Factory(control, budgetChunk));
    }

    /** Page budgets and distinct-URL counts are shared through what {@code coordination} opens. */
    HostScheduler(SchedulerSettings settings, RobotsSettings robotsSettings, BackoffSettings backoffSettings,
            TaskStatsSettings stats, TaskCoordination.Factory coordination) {
        this.settings = settings;
        this.robotsSettings = robotsSettings;
        this.backoffSettings = backoffSettings;
        this.stats = stats;
        this.coordination = coordination;
    }

    /** Registers each running subtask in the worker registry ({@link WorkerRegistration}); without it, none does. */
    public HostScheduler registeringWorkers(WorkerRegistrySettings workers) {
        this.workers = workers;
        return this;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters = new TaskCounters();
        counters.initialize(context, "host-scheduler-counters");
        // Split among subtasks on a rescale like the keyed state: the sum over subtasks stays exact.
        activeHostsState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("hosts-active", Types.LONG));
        activeHosts = new AtomicLong();
        if (context.isRestored()) {
            for (Long count : activeHostsState.get()) {
                activeHosts.addAndGet(count);
            }
        }
        metrics = new SchedulerMetrics(getRuntimeContext().getMetricGroup(), activeHosts::get,
                () -> counters.total(TaskCounters.QUEUED));
        shared = coordination.open(context, getRuntimeContext().getTaskInfo(), metrics);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot(context.getCheckpointId());
        activeHostsState.update(List.of(activeHosts.get()));
        shared.snapshot();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        counters.checkpointComplete(checkpointId);
        publisher.publishSoon();
        shared.checkpointComplete();
    }

    @Override
    public void open(OpenContext openContext) {
        HostBacklog backlog = new HostBacklog(
                new HostQueues(
                        getRuntimeContext().getMapState(new MapStateDescriptor<>("queue-bounds", QueueLane.class, QueueBounds.class)),
                        getRuntimeContext().getMapState(new MapStateDescriptor<>("queue", QueueSlot.class, QueuedUrl.class)),
                        getRuntimeContext().getState(new ValueStateDescriptor<>("queue-size", Long.class))),
                new HostRetries(
                        getRuntimeContext().getMapState(new MapStateDescriptor<>("retries", UrlFingerprint.class, RetryEntry.class)),
                        getRuntimeContext().getMapState(new MapStateDescriptor<>("retry-task-next-due", String.class, Long.class)),
                        getRuntimeContext().getState(new ValueStateDescriptor<>("retry-next-due", Long.class))),
                counters, activeHosts);
        HostPacing pacing = new HostPacing(
                getRuntimeContext().getState(new ValueStateDescriptor<>("next-fetch-at", Long.class)),
                getRuntimeContext().getState(new ValueStateDescriptor<>("backoff", HostBackoff.class)),
                backoffSettings, settings.busyPause(), metrics);
        HostRobots robots = new HostRobots(
                getRuntimeContext().getMapState(new MapStateDescriptor<>("robots", String.class, RobotsRecord.class)),
                new RobotsPolicy(robotsSettings));
        HostRecrawl recrawl = new HostRecrawl(
                getRuntimeContext().getMapState(new MapStateDescriptor<>("recrawl", UrlFingerprint.class, RecrawlEntry.class)),
                getRuntimeContext().getMapState(new MapStateDescriptor<>("recrawl-plans", UrlFingerprint.class, RecrawlPlan.class)),
                getRuntimeContext().getState(new ValueStateDescriptor<>("recrawl-next-scan", Long.class)),
                settings.recrawlScan().toMillis());
        timer = new HostTimer(getRuntimeContext().getState(new ValueStateDescriptor<>("timer-at", Long.class)),
                backlog, pacing, recrawl, robots, settings.waitPoll().toMillis());
        HostParts host = new HostParts(
                new HostSeen(getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", UrlFingerprint.class, Long.class)),
                        new SplittableRandom()),
                backlog,
                new HostTurns(getRuntimeContext().getMapState(new MapStateDescriptor<>("turns", Integer.class, String.class))),
                pacing, robots, recrawl,
                new HostPageCaps(getRuntimeContext().getMapState(new MapStateDescriptor<>("host-pages", String.class, Long.class))),
                timer);
        backingOff = new HostsBackingOff();
        // One parse of each task's spec for both.
        TaskViews views = new TaskViews();
        intake = new HostIntake(host, views, shared.grants(), shared.sketches(), counters, backingOff, backoffSettings, metrics);
        releases = new HostReleases(host, views, shared.grants(), counters, backingOff, settings, backoffSettings, metrics);
        publisher = stats.startPublishing(
                counters, backingOff,
                Set.of(TaskCounters.QUEUED, TaskCounters.RELEASED, TaskCounters.GIVEN_UP, TaskCounters.ROBOTS_DISALLOWED),
                getRuntimeContext().getTaskInfo());
        if (workers != null) {
            worker = WorkerRegistration.start(workers, getRuntimeContext(),
                    () -> new WorkerRegistration.Load(activeHosts.get(), counters.total(TaskCounters.RELEASED)));
        }
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (shared != null) {
            shared.close();
        }
    }

    @Override
    public void processElement(FrontierEntry entry, ReadOnlyContext ctx, Collector<FetchRequest> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (intake.accept(ctx.getCurrentKey(), entry, ctx.getBroadcastState(TASKS)::get, now)) {
            timer.scheduleNext(timers(ctx.timerService()), now, false);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FetchRequest> out) throws Exception {
        releases.tick(ctx.getCurrentKey(), ctx.getBroadcastState(TASKS)::get, ctx.timerService().currentProcessingTime(),
                timers(ctx.timerService()), out::collect);
    }

    @Override
    public void processBroadcastElement(TaskEvent event, Context ctx, Collector<FetchRequest> out) throws Exception {
        BroadcastState<String, TaskState> tasks = ctx.getBroadcastState(TASKS);
        TaskState current = tasks.get(event.task());
        if (current == null) {
            current = TaskState.UNKNOWN;
        }
        TaskState updated = switch (event.kind()) {
            case SPEC -> new TaskState(event.specJson(), current.enabled(), false, current.hostsJson());
            case ENABLED -> new TaskState(current.specJson(), event.enabled(), current.deleted(), current.hostsJson());
            case DELETED -> new TaskState(null, false, true);
            case HOSTS -> new TaskState(current.specJson(), current.enabled(), current.deleted(), event.hostsJson());
        };
        tasks.put(event.task(), updated);
        if (event.kind() == TaskEvent.Kind.DELETED) {
            shared.grants().forget(event.task());
        }
    }

    private static HostTimer.Timers timers(TimerService service) {
        return HostTimer.Timers.of(service::registerProcessingTimeTimer, service::deleteProcessingTimeTimer);
    }
}
