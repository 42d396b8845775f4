package io.streamcrawl.job.frontier;

import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.PageBudget;
import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.TaskEvent;
import io.etcd.jetcd.Client;
import io.streamcrawl.job.control.WorkerRegistration;
import io.streamcrawl.job.control.WorkerRegistrySettings;
import io.streamcrawl.job.stats.DistinctUrls;
import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.stats.TaskStatsPublisher;
import io.streamcrawl.job.stats.TaskStatsSettings;
import io.streamcrawl.job.url.UrlFingerprint;


import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import javax.annotation.Nullable;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * counted in sketches merged into etcd after each checkpoint ({@link DistinctUrls}).
 *
 * <p>Releases of one host are spaced by max(task delay, robots.txt crawl-delay up to the task's
 * cap). A task that obeys robots.txt first gets its origin's robots.txt (one request, whose
 * answer is kept in keyed state for a TTL, see {@link HostRobots}); its URLs wait meanwhile, and
 * while the robots.txt is unreachable, up to a give-up time after which they are dropped;
 * disallowed URLs are dropped.
 *
 * <p>A task with a {@code recrawlAfter} interval fetches its URLs again: each released URL gets
 * its next fetch time in keyed state, and the host's timer puts the due ones back in their queue
 * ({@link HostRecrawl}); there is no timer per URL.
 *
 * <p>Feedback from the fetch side arrives through the frontier like URLs: an entry marked
 * {@code retry} is taken without deduplication if it answers its URL's latest release (see
 * {@link #takeBack}): a deferred one ({@link HostSignal#BUSY}, which also pauses the host
 * briefly) goes back to the front of its queue, a failed one waits in the host's retry area
 * ({@link HostRetries}) for its own delay and goes only when its task has no fresh URL queued.
 * A {@code robots} entry answers a robots.txt request. {@link HostSignal#FAILED} (host-level)
 * signals pause the host for their Retry-After and, counted as {@link HostPacing} says, open its
 * circuit breaker ({@link HostBackoff}, {@link BackoffSettings}); while it is open one page at a
 * time goes as its probe, until a {@link HostSignal#OK} or {@link HostSignal#URL_FAILED} (the
 * server answered) closes it. A host whose breaker stays open for {@code backoff.give-up} has
 * its URLs dropped and counted as given up ({@link #giveUp}).
 *
 * <p>A host that goes idle (nothing queued, no recrawl planned) keeps its one timer, set for
 * when its robots.txt records and its pause have lapsed, and at least {@code robots.cache-ttl}
 * later. If it is still idle then, what was only a cache or whose meaning has lapsed is
 * forgotten: robots.txt records past their TTL, the spacing and the breaker (so a host that
 * comes back is treated as new), the turns, the zero queue size and the timer itself. What
 * keeps its meaning stays: {@code seen} (a URL is fetched once per task, however long the
 * host sleeps), {@code host-pages} (the task's maxPagesPerHost) and the recrawl entries. No
 * state TTL: turning it on for an existing state would make savepoints incompatible.
 */
public final class HostScheduler extends KeyedBroadcastProcessFunction<String, FrontierEntry, TaskEvent, FetchRequest>
        implements CheckpointedFunction, CheckpointListener {
    private static final Logger LOG = LoggerFactory.getLogger(HostScheduler.class);

    /** The broadcast state of the tasks, also the descriptor of the broadcast stream. */
    public static final MapStateDescriptor<String, TaskState> TASKS =
            new MapStateDescriptor<>("tasks", Types.STRING, TypeInformation.of(TaskState.class));

    private final SchedulerSettings settings;
    private final RobotsSettings robotsSettings;
    private final BackoffSettings backoffSettings;
    private final TaskStatsSettings stats;
    private final ControlPlane control;
    private final long budgetChunk;
    @Nullable private WorkerRegistrySettings workers;

    private transient MapState<UrlFingerprint, Long> seen;
    private transient HostQueues queues;
    private transient HostPacing pacing;
    private transient HostTurns turns;
    private transient ValueState<Long> timerAt;
    private transient HostRobots robots;
    /** Pages released per task (and not come back as retries), kept only for tasks with a maxPagesPerHost. */
    private transient MapState<String, Long> hostPages;
    private transient HostRecrawl recrawl;
    private transient HostRetries retries;
    private transient TaskViews views;
    private transient HostControlViews hostControls;
    private transient TaskCounters counters;
    /** Hosts of this subtask with queued URLs; read by the metric reporter's thread. */
    private transient AtomicLong activeHosts;
    private transient ListState<Long> activeHostsState;
    private transient Client etcd;
    private transient TaskBudgets budgets;
    private transient DistinctUrls distinctUrls;
    private transient TaskStatsPublisher publisher;
    private transient HostsBackingOff backingOff;
    private transient Counter newUrls;
    private transient Counter duplicateUrls;
    private transient Counter droppedUrls;
    private transient Counter retriedUrls;
    private transient Counter robotsDenied;
    private transient Counter robotsUnreachable;
    private transient Counter robotsRequests;
    private transient Counter hostCapped;
    private transient Counter recrawled;
    private transient Counter overBudget;
    private transient Counter staleRetries;
    private transient Counter givenUpUrls;
    private transient RandomGenerator releaseTokens;
    @Nullable private transient WorkerRegistration worker;

    /** Page budgets are reserved from etcd at {@code control}, at most {@code budgetChunk} pages at a time. */
    public HostScheduler(SchedulerSettings settings, RobotsSettings robotsSettings, BackoffSettings backoffSettings,
            TaskStatsSettings stats, ControlPlane control, long budgetChunk) {
        this.settings = settings;
        this.robotsSettings = robotsSettings;
        this.backoffSettings = backoffSettings;
        this.stats = stats;
        this.control = control;
        this.budgetChunk = budgetChunk;
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
        etcd = control.connect();
        budgets = new TaskBudgets(new PageBudget(new EtcdKv(etcd), control.keys(), budgetChunk,
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getMetricGroup().counter("crawler_budget_unavailable_total"));
        budgets.initialize(context, "host-scheduler-budgets");
        distinctUrls = new DistinctUrls(new EtcdKv(etcd), control.keys(), getRuntimeContext().getMetricGroup());
        distinctUrls.initialize(context, "host-scheduler-distinct-urls");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot(context.getCheckpointId());
        activeHostsState.update(List.of(activeHosts.get()));
        budgets.snapshot();
        distinctUrls.snapshot();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        counters.checkpointComplete(checkpointId);
        publisher.publishSoon();
        distinctUrls.mergeChanged();
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", UrlFingerprint.class, Long.class));
        queues = new HostQueues(
                getRuntimeContext().getMapState(new MapStateDescriptor<>("queue-bounds", QueueLane.class, QueueBounds.class)),
                getRuntimeContext().getMapState(new MapStateDescriptor<>("queue", QueueSlot.class, FrontierEntry.class)),
                getRuntimeContext().getState(new ValueStateDescriptor<>("queue-size", Long.class)));
        pacing = new HostPacing(
                getRuntimeContext().getState(new ValueStateDescriptor<>("next-fetch-at", Long.class)),
                getRuntimeContext().getState(new ValueStateDescriptor<>("backoff", HostBackoff.class)),
                backoffSettings, settings.busyPause(), getRuntimeContext().getMetricGroup());
        timerAt = getRuntimeContext().getState(new ValueStateDescriptor<>("timer-at", Long.class));
        turns = new HostTurns(getRuntimeContext().getMapState(new MapStateDescriptor<>("turns", Integer.class, String.class)));
        robots = new HostRobots(
                getRuntimeContext().getMapState(new MapStateDescriptor<>("robots", String.class, RobotsRecord.class)),
                new RobotsPolicy(robotsSettings));
        hostPages = getRuntimeContext().getMapState(new MapStateDescriptor<>("host-pages", String.class, Long.class));
        recrawl = new HostRecrawl(
                getRuntimeContext().getMapState(new MapStateDescriptor<>("recrawl", UrlFingerprint.class, RecrawlEntry.class)),
                getRuntimeContext().getState(new ValueStateDescriptor<>("recrawl-next-scan", Long.class)),
                settings.recrawlScan().toMillis());
        retries = new HostRetries(
                getRuntimeContext().getMapState(new MapStateDescriptor<>("retries", UrlFingerprint.class, RetryEntry.class)),
                getRuntimeContext().getMapState(new MapStateDescriptor<>("retry-task-next-due", String.class, Long.class)),
                getRuntimeContext().getState(new ValueStateDescriptor<>("retry-next-due", Long.class)));
        views = new TaskViews();
        hostControls = new HostControlViews();
        newUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_new_total");
        duplicateUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_duplicate_total");
        droppedUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_dropped_total");
        retriedUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_requeued_total");
        robotsDenied = getRuntimeContext().getMetricGroup().counter("crawler_robots_denied_total");
        robotsUnreachable = getRuntimeContext().getMetricGroup().counter("crawler_urls_robots_unreachable_total");
        robotsRequests = getRuntimeContext().getMetricGroup().counter("crawler_robots_requests_total");
        hostCapped = getRuntimeContext().getMetricGroup().counter("crawler_urls_host_capped_total");
        recrawled = getRuntimeContext().getMetricGroup().counter("crawler_urls_recrawled_total");
        overBudget = getRuntimeContext().getMetricGroup().counter("crawler_urls_over_budget_total");
        staleRetries = getRuntimeContext().getMetricGroup().counter("crawler_urls_stale_retries_total");
        givenUpUrls = getRuntimeContext().getMetricGroup().counter("crawler_urls_host_given_up_total");
        releaseTokens = new SplittableRandom();
        getRuntimeContext().getMetricGroup().gauge("crawler_hosts_active", (Gauge<Long>) activeHosts::get);
        getRuntimeContext().getMetricGroup().gauge("crawler_queue_urls",
                (Gauge<Long>) () -> counters.total(TaskCounters.QUEUED));
        backingOff = new HostsBackingOff();
        publisher = stats.startPublishing(
                counters, backingOff, Set.of(TaskCounters.QUEUED, TaskCounters.RELEASED, TaskCounters.GIVEN_UP, TaskCounters.ROBOTS_DISALLOWED),
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
        if (distinctUrls != null) {
            distinctUrls.close();
        }
        if (budgets != null) {
            budgets.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    public void processElement(FrontierEntry entry, ReadOnlyContext ctx, Collector<FetchRequest> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        switch (entry.kind()) {
            case URL, SITEMAP -> {
                if (entry.retry()) {
                    if (!takeBack(entry, now)) {
                        staleRetries.inc();
                        applyFeedback(ctx.getCurrentKey(), entry, now);
                        scheduleNext(ctx, now, false);
                        return;
                    }
                    // It was counted as released (and, unless a sitemap, against the host's page
                    // cap and the task's budget: see release); now it is queued again.
                    counters.add(entry.task(), TaskCounters.RELEASED, -1);
                    if (entry.kind() != EntryKind.SITEMAP) {
                        budgets.refund(entry.task());
                        Long pages = hostPages.get(entry.task());
                        if (pages != null && pages > 0) {
                            hostPages.put(entry.task(), pages - 1);
                        }
                    }
                    if (failedFetch(entry)) {
                        awaitRetry(entry.queued(), entry.feedback(), now);
                    } else {
                        enqueue(entry.queued(), true);
                    }
                    retriedUrls.inc();
                    applyFeedback(ctx.getCurrentKey(), entry, now);
                } else {
                    UrlFingerprint fingerprint = entry.fingerprint();
                    if (seen.contains(fingerprint)) {
                        duplicateUrls.inc();
                        return;
                    }
                    seen.put(fingerprint, now);
                    push(entry);
                    newUrls.inc();
                    distinctUrls.add(entry.task(), fingerprint.high());
                }
            }
            case ROBOTS -> {
                robots.answer(entry.url(), entry.feedback(), now);
                pacing.apply(ctx.getCurrentKey(), entry.feedback(), entry.fingerprint().high(), now);
            }
            case HOST -> applyFeedback(ctx.getCurrentKey(), entry, now);
        }
        scheduleNext(ctx, now, false);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FetchRequest> out) throws Exception {
        timerAt.clear();
        long now = ctx.timerService().currentProcessingTime();
        ReadOnlyBroadcastState<String, TaskState> tasks = ctx.getBroadcastState(TASKS);
        boolean scan = recrawl.scanDue(now);
        requeueRecrawls(tasks, now);
        if (!scan && idle() && recrawl.nextScanAt() == null) {
            forgetLapsed(ctx, now); // the timer scheduleNext sets when the host goes idle
            return;
        }
        if (!idle() && pacing.givenUp(now)) {
            giveUp(ctx.getCurrentKey());
            scheduleNext(ctx, now, false);
            return;
        }
        Long pausedUntil = pacing.nextFetchAt();
        if (pausedUntil != null && pausedUntil > now) {
            scheduleNext(ctx, now, false);
            return;
        }
        promoteDueRetries(now);
        int released = 0;
        boolean progress = true;
        boolean politenessWait = false;
        // Each turn goes to the first task in turn order that can use it, and the order is taken
        // again after anything changed the queues, so spec priority and turns hold inside a tick.
        while (progress && !politenessWait && released < settings.releasesPerTick()) {
            progress = false;
            List<QueueLane> lanes = queues.bestLanes();
            for (QueueLane lane : turns.order(lanes, task -> specPriority(task, tasks.get(task)))) {
                String task = lane.task();
                TaskState state = tasks.get(task);
                if (state != null && state.deleted()) {
                    dropQueue(task);
                    progress = true;
                    break;
                }
                TaskView view = views.of(task, state);
                if (view == null || !state.enabled() || hostControls.blocked(task, state, ctx.getCurrentKey(), now)) {
                    continue;
                }
                if (!budgets.hasGrant(task, view.spec().maxPages())) {
                    continue; // no grant now (etcd slow or unreachable): the URLs stay queued, the timer comes back
                }
                FrontierEntry head = queues.peek(lane);
                if (!inScope(head, view)) {
                    dequeue(lane);
                    droppedUrls.inc();
                    progress = true;
                    break;
                }
                HostRobots.Admission admission =
                        robots.admit(head.url(), view.spec(), view.fetch().allowsPrivate(ctx.getCurrentKey()), now);
                if (admission.verdict() == HostRobots.Verdict.WAIT) {
                    continue;
                }
                progress = true;
                long spacing = Math.max(hostControls.delayMs(task, state, ctx.getCurrentKey(),
                        view.spec().politeness().delayMs()), admission.crawlDelayMs());
                if (admission.verdict() == HostRobots.Verdict.FETCH_ROBOTS) {
                    out.collect(FetchRequest.builder(admission.robotsUrl(), task).priority(head.priority())
                            .task(view.scope(), view.robotsFetch()).spacingMs(spacing).purpose(FetchPurpose.ROBOTS)
                            .released(0, now).build());
                    robotsRequests.inc();
                } else {
                    dequeue(lane);
                    if (admission.verdict() == HostRobots.Verdict.DENIED) {
                        robotsDenied.inc();
                        counters.add(task, TaskCounters.ROBOTS_DISALLOWED, 1);
                        break;
                    }
                    if (admission.verdict() == HostRobots.Verdict.UNREACHABLE) {
                        robotsUnreachable.inc();
                        break;
                    }
                    if (!release(head, view, spacing, now, out)) {
                        break;
                    }
                    released++;
                }
                if (lanes.size() > 1) { // a task alone on its host has nobody to take turns with: no state write
                    turns.took(task, view.spec().priority());
                }
                // A page released while the breaker is open is its probe (a robots.txt request is not: its answer is no signal).
                if (admission.verdict() != HostRobots.Verdict.FETCH_ROBOTS && pacing.holdForProbe(now)) {
                    politenessWait = true;
                } else if (spacing > 0) {
                    pacing.released(now, spacing);
                    politenessWait = true;
                }
                break;
            }
        }
        scheduleNext(ctx, now, !progress && !politenessWait && released < settings.releasesPerTick());
    }

    /**
     * Whether a retry comes back from its URL's latest release, which it then takes back: the
     * {@code seen} value of a released URL is its release's token until a retry takes it back.
     * The frontier sink writes between checkpoints, so after a restore the source can replay a
     * retry of a release the restore undid (its URL is queued again, or not yet seen), or a
     * second retry of a request that was in flight at the checkpoint: either would queue the URL
     * twice and give back a page it did not take. A retry without a token (written by a build
     * before the tokens) is taken as before.
     */
    private boolean takeBack(FrontierEntry retry, long now) throws Exception {
        if (retry.release() == 0) {
            return true;
        }
        UrlFingerprint fingerprint = retry.fingerprint();
        Long current = seen.get(fingerprint);
        if (current == null || current != retry.release()) {
            return false;
        }
        seen.put(fingerprint, now);
        return true;
    }

    /** Applies what a fetch told about the host, and shows the host as backing off for the entry's task while its breaker is open. */
    private void applyFeedback(String host, FrontierEntry entry, long now) throws Exception {
        boolean wasOpen = pacing.openUntil() != null;
        pacing.apply(host, entry.feedback(), entry.fingerprint().high(), now);
        Long until = pacing.openUntil();
        if (until != null) {
            backingOff.pausedUntil(entry.task(), host, until);
        } else if (wasOpen) {
            backingOff.ended(entry.task(), host);
        }
    }

    /** Whether a retry entry comes back from a failed fetch (not from a deferral, which goes to the front of its queue). */
    private static boolean failedFetch(FrontierEntry retry) {
        HostSignal signal = retry.feedback() == null ? null : retry.feedback().signal();
        return signal == HostSignal.FAILED || signal == HostSignal.URL_FAILED;
    }

    /** Keeps a URL whose fetch failed for its retry, due after its own back-off; it stays counted as queued. */
    private void awaitRetry(FrontierEntry entry, HostFeedback feedback, long now) throws Exception {
        if (idle()) {
            activeHosts.incrementAndGet();
        }
        retries.add(entry, now + backoffSettings.retryDelayMs(entry.attempt(), feedback.retryAfterMs()));
        counters.add(entry.task(), TaskCounters.QUEUED, 1);
    }

    /**
     * Moves each task's earliest due retry to the back of its queue when the task has nothing
     * queued: a retry goes only when no fresh URL of its task is ready. It stays counted as queued.
     */
    private void promoteDueRetries(long now) throws Exception {
        Long due = retries.nextDueAt();
        if (due == null || due > now) {
            return;
        }
        Set<String> queuedTasks = new HashSet<>();
        for (QueueLane lane : queues.bestLanes()) {
            queuedTasks.add(lane.task());
        }
        for (FrontierEntry retry : retries.takeDue(now, queuedTasks)) {
            queues.push(retry);
        }
    }

    /**
     * Drops every URL of a host whose breaker has stayed open for {@code backoff.give-up}: each
     * counts as a failure of its task, so the task can go idle.
     */
    private void giveUp(String host) throws Exception {
        Map<String, Long> dropped = new TreeMap<>(retries.drop(null));
        for (QueueLane lane : queues.bestLanes()) {
            dropped.merge(lane.task(), queues.drop(lane.task()), Long::sum);
        }
        long total = 0;
        for (Map.Entry<String, Long> task : dropped.entrySet()) {
            counters.add(task.getKey(), TaskCounters.QUEUED, -task.getValue());
            counters.add(task.getKey(), TaskCounters.GIVEN_UP, task.getValue());
            backingOff.ended(task.getKey(), host);
            total += task.getValue();
        }
        activeHosts.decrementAndGet();
        givenUpUrls.inc(total);
        LOG.warn("Host {}: no answer for {} with its breaker open; giving up its {} queued URLs ({})", host,
                backoffSettings.giveUp(), total, dropped);
    }

    /** Whether the host has nothing queued and no retry waiting. */
    private boolean idle() throws Exception {
        return queues.isEmpty() && retries.isEmpty();
    }

    /** A task's precedence on shared hosts: its spec's priority (0 until its spec arrives). */
    private int specPriority(String task, TaskState state) {
        TaskView view = views.of(task, state);
        return view == null ? 0 : view.spec().priority();
    }

    /** Puts the URLs due for a recrawl back in their queues, unless their task is gone or no longer recrawls. */
    private void requeueRecrawls(ReadOnlyBroadcastState<String, TaskState> tasks, long now) throws Exception {
        for (FrontierEntry entry : recrawl.takeDue(now)) {
            TaskState state = tasks.get(entry.task());
            TaskView view = views.of(entry.task(), state);
            if (state == null || state.deleted() || (view != null && view.recrawlAfterMs() == 0)) {
                continue;
            }
            push(entry);
            recrawled.inc();
        }
    }

    /** Whether a queued entry is within its task's depth and scope (the spec may have changed since it was queued). */
    private static boolean inScope(FrontierEntry entry, TaskView view) {
        return entry.depth() <= view.spec().maxDepth() && view.scope().allows(entry.url());
    }

    /**
     * The release path: an entry popped from its task's queue, in scope and allowed by robots.txt,
     * goes to the fetcher unless the task's page cap for this host is reached or its page budget
     * is spent (then it is dropped). Returns whether it was released.
     */
    private boolean release(FrontierEntry entry, TaskView view, long spacingMs, long now, Collector<FetchRequest> out)
            throws Exception {
        boolean sitemap = entry.kind() == EntryKind.SITEMAP;
        long cap = sitemap ? 0 : view.spec().maxPagesPerHost();
        Long pages = cap > 0 ? hostPages.get(entry.task()) : null;
        long releasedToHost = pages == null ? 0 : pages;
        if (cap > 0 && releasedToHost >= cap) {
            hostCapped.inc();
            return false;
        }
        if (!sitemap && !budgets.take(entry.task(), view.spec().maxPages())) {
            overBudget.inc();
            return false;
        }
        if (cap > 0) {
            hostPages.put(entry.task(), releasedToHost + 1);
        }
        // While the host has recent failures, a success must come back to close its breaker.
        boolean reportOutcome = pacing.failing();
        // Negative, so it is never a first-seen time (see takeBack).
        long release = releaseTokens.nextLong() | Long.MIN_VALUE;
        seen.put(entry.fingerprint(), release);
        out.collect(FetchRequest.of(entry).followLinks(!sitemap && entry.depth() < view.spec().maxDepth())
                .task(view.scope(), sitemap ? view.sitemapFetch() : view.fetch()).spacingMs(spacingMs)
                .purpose(sitemap ? FetchPurpose.SITEMAP : FetchPurpose.PAGE).reportOutcome(reportOutcome)
                .released(release, now).build());
        counters.add(entry.task(), TaskCounters.RELEASED, 1);
        if (view.recrawlAfterMs() > 0) {
            recrawl.schedule(entry.fingerprint(), entry.recrawl(), now + view.recrawlAfterMs());
        }
        return true;
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
            budgets.forget(event.task());
        }
    }

    private void push(FrontierEntry entry) throws Exception {
        enqueue(entry, false);
    }

    /** Queues an entry, at the back of its lane or at the front, and counts it. */
    private void enqueue(FrontierEntry entry, boolean front) throws Exception {
        if (idle()) {
            activeHosts.incrementAndGet();
        }
        if (front) {
            queues.pushFront(entry);
        } else {
            queues.push(entry);
        }
        counters.add(entry.task(), TaskCounters.QUEUED, 1);
    }

    /** Removes the head of a lane, which must not be empty, and counts it. */
    private void dequeue(QueueLane lane) throws Exception {
        queues.pop(lane);
        counters.add(lane.task(), TaskCounters.QUEUED, -1);
        if (idle()) {
            activeHosts.decrementAndGet();
        }
    }

    private void dropQueue(String task) throws Exception {
        long dropped = queues.drop(task) + retries.drop(task).getOrDefault(task, 0L);
        counters.add(task, TaskCounters.QUEUED, -dropped);
        droppedUrls.inc(dropped);
        if (idle()) {
            activeHosts.decrementAndGet();
        }
    }

    /**
     * Forgets the state of an idle host that is only a cache or whose meaning has lapsed (see the
     * class comment); what lapses later (a robots.txt answered or a pause begun since the host
     * went idle) keeps the timer until then.
     */
    private void forgetLapsed(ReadOnlyContext ctx, long now) throws Exception {
        turns.clear();
        queues.forgetEmptySize();
        long keepUntil = Math.max(pacing.forgetLapsed(now), robots.forgetLapsed(now));
        if (keepUntil > 0) {
            scheduleAt(ctx, keepUntil);
        }
    }

    /**
     * Sets the host's timer for what comes next: the next release while URLs are queued (a poll
     * when they all wait for their task), the next recrawl scan, and once the host is idle the
     * time to forget what has lapsed ({@link #forgetLapsed}).
     */
    private void scheduleNext(ReadOnlyContext ctx, long now, boolean onlyWaiting) throws Exception {
        Long next = pacing.nextFetchAt();
        if (!queues.isEmpty()) {
            scheduleAt(ctx, onlyWaiting ? now + settings.waitPoll().toMillis() : Math.max(now, next == null ? now : next));
        } else if (!retries.isEmpty()) {
            scheduleAt(ctx, Math.max(Math.max(now, retries.nextDueAt()), next == null ? now : next));
        } else if (recrawl.nextScanAt() == null) {
            scheduleAt(ctx, Math.max(now + robots.idleKeepMs(), next == null ? now : next));
        }
        Long scan = recrawl.nextScanAt();
        if (scan != null) {
            scheduleAt(ctx, Math.max(now, scan));
        }
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
