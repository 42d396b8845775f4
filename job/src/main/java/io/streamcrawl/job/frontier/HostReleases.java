package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.stats.TaskCounters;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the host's timer does when it fires: puts due recrawls back in their queues, forgets
 * what has lapsed on an idle host, gives up a host whose breaker stayed open too long, and
 * otherwise releases up to {@code releasesPerTick} URLs, one turn at a time: each turn goes to
 * the first task in turn order ({@link HostTurns}) that can use it, which releases the head of
 * its best lane ({@link HostQueues}) once its budget ({@link PageGrants}), scope, robots.txt
 * ({@link HostRobots}) and page cap ({@link HostPageCaps}) allow, spaced as {@link HostPacing} says.
 */
final class HostReleases {
    private static final Logger LOG = LoggerFactory.getLogger(HostReleases.class);

    /** The tasks' state as broadcast to the scheduler. */
    @FunctionalInterface
    interface Tasks {
        /** The task's state; null for a task not heard of. */
        TaskState get(String task) throws Exception;
    }

    private final HostParts host;
    private final PageGrants grants;
    private final TaskViews views;
    private final HostControlViews hostControls;
    private final TaskCounters counters;
    private final HostsBackingOff backingOff;
    private final SchedulerSettings settings;
    private final BackoffSettings backoff;
    private final SchedulerMetrics metrics;

    HostReleases(HostParts host, TaskViews views, PageGrants grants, TaskCounters counters, HostsBackingOff backingOff,
            SchedulerSettings settings, BackoffSettings backoff, SchedulerMetrics metrics) {
        this.host = host;
        this.grants = grants;
        this.views = views;
        this.hostControls = new HostControlViews();
        this.counters = counters;
        this.backingOff = backingOff;
        this.settings = settings;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /** The timer of {@code hostName} fired at {@code now}: releases what may go to {@code out} and sets the timer again. */
    void tick(String hostName, Tasks tasks, long now, HostTimer.Timers timers, Consumer<FetchRequest> out)
            throws Exception {
        host.timer().fired();
        HostBacklog backlog = host.backlog();
        boolean scan = host.recrawl().scanDue(now);
        requeueRecrawls(tasks, now);
        if (!scan && backlog.idle() && host.recrawl().nextScanAt() == null) {
            forgetLapsed(timers, now); // the timer scheduleNext sets when the host goes idle
            return;
        }
        if (!backlog.idle() && host.pacing().givenUp(now)) {
            giveUp(hostName);
            host.timer().scheduleNext(timers, now, false);
            return;
        }
        Long pausedUntil = host.pacing().nextFetchAt();
        if (pausedUntil != null && pausedUntil > now) {
            host.timer().scheduleNext(timers, now, false);
            return;
        }
        backlog.promoteDueRetries(now);
        int released = 0;
        boolean progress = true;
        boolean politenessWait = false;
        // Each turn goes to the first task in turn order that can use it, and the order is taken
        // again after anything changed the queues, so spec priority and turns hold inside a tick.
        while (progress && !politenessWait && released < settings.releasesPerTick()) {
            progress = false;
            List<QueueLane> lanes = backlog.bestLanes();
            for (QueueLane lane : host.turns().order(lanes, task -> specPriority(task, tasks.get(task)))) {
                String task = lane.task();
                TaskState state = tasks.get(task);
                if (state != null && state.deleted()) {
                    metrics.droppedUrls.inc(backlog.drop(task));
                    progress = true;
                    break;
                }
                TaskView view = views.of(task, state);
                if (view == null || !state.enabled() || hostControls.blocked(task, state, hostName, now)) {
                    continue;
                }
                if (!grants.hasGrant(task, view.spec().maxPages())) {
                    continue; // no grant now (etcd slow or unreachable): the URLs stay queued, the timer comes back
                }
                QueuedUrl head = backlog.peek(lane);
                if (!inScope(head, view)) {
                    backlog.pop(lane);
                    metrics.droppedUrls.inc();
                    progress = true;
                    break;
                }
                HostRobots.Admission admission =
                        host.robots().admit(head.url(), view.spec(), view.fetch().allowsPrivate(hostName), now);
                if (admission.verdict() == HostRobots.Verdict.WAIT) {
                    continue;
                }
                progress = true;
                long spacing = Math.max(hostControls.delayMs(task, state, hostName, view.spec().politeness().delayMs()),
                        admission.crawlDelayMs());
                if (admission.verdict() == HostRobots.Verdict.FETCH_ROBOTS) {
                    out.accept(FetchRequest.builder(admission.robotsUrl(), task).priority(head.priority())
                            .task(view.scope(), view.robotsFetch()).spacingMs(spacing).purpose(FetchPurpose.ROBOTS)
                            .released(0, now).build());
                    metrics.robotsRequests.inc();
                } else {
                    backlog.pop(lane);
                    if (admission.verdict() == HostRobots.Verdict.DENIED) {
                        metrics.robotsDenied.inc();
                        counters.add(task, TaskCounters.ROBOTS_DISALLOWED, 1);
                        break;
                    }
                    if (admission.verdict() == HostRobots.Verdict.UNREACHABLE) {
                        metrics.robotsUnreachable.inc();
                        break;
                    }
                    if (!release(head, view, spacing, now, out)) {
                        break;
                    }
                    released++;
                }
                if (lanes.size() > 1) { // a task alone on its host has nobody to take turns with: no state write
                    host.turns().took(task, view.spec().priority());
                }
                // A page released while the breaker is open is its probe (a robots.txt request is not: its answer is no signal).
                if (admission.verdict() != HostRobots.Verdict.FETCH_ROBOTS && host.pacing().holdForProbe(now)) {
                    politenessWait = true;
                } else if (spacing > 0) {
                    host.pacing().released(now, spacing);
                    politenessWait = true;
                }
                break;
            }
        }
        host.timer().scheduleNext(timers, now, !progress && !politenessWait && released < settings.releasesPerTick());
    }

    /**
     * The release path: an entry popped from its task's queue, in scope and allowed by robots.txt,
     * goes to the fetcher unless the task's page cap for this host is reached or its page budget
     * is spent (then it is dropped). Returns whether it was released.
     */
    private boolean release(QueuedUrl entry, TaskView view, long spacingMs, long now, Consumer<FetchRequest> out)
            throws Exception {
        boolean sitemap = entry.sitemap();
        long cap = sitemap ? 0 : view.spec().maxPagesPerHost();
        if (host.caps().reached(entry.task(), cap)) {
            metrics.hostCapped.inc();
            return false;
        }
        if (!sitemap && !grants.take(entry.task(), view.spec().maxPages())) {
            metrics.overBudget.inc();
            return false;
        }
        host.caps().took(entry.task(), cap);
        // While the host has recent failures, a success must come back to close its breaker.
        boolean reportOutcome = host.pacing().failing();
        long release = host.seen().released(entry.fingerprint());
        PageValidators validators = view.recrawl().recrawls() ? host.recrawl().released(entry, view.recrawl(), now) : null;
        out.accept(entry.request().followLinks(!sitemap && entry.depth() < view.spec().maxDepth())
                .task(view.scope(), sitemap ? view.sitemapFetch() : view.fetch()).spacingMs(spacingMs)
                .purpose(sitemap ? FetchPurpose.SITEMAP : FetchPurpose.PAGE).reportOutcome(reportOutcome)
                .released(release, now).validators(sitemap ? null : validators).build());
        counters.add(entry.task(), TaskCounters.RELEASED, 1);
        return true;
    }

    /** Puts the URLs due for a recrawl back in their queues, unless their task is gone or no longer recrawls. */
    private void requeueRecrawls(Tasks tasks, long now) throws Exception {
        for (QueuedUrl entry : host.recrawl().takeDue(now)) {
            TaskState state = tasks.get(entry.task());
            TaskView view = views.of(entry.task(), state);
            if (state == null || state.deleted() || (view != null && !view.recrawl().recrawls())) {
                host.recrawl().forget(entry.fingerprint());
                continue;
            }
            host.backlog().push(entry);
            metrics.recrawled.inc();
        }
    }

    /**
     * Drops every URL of a host whose breaker has stayed open for {@code backoff.give-up}: each
     * counts as a failure of its task, so the task can go idle.
     */
    private void giveUp(String hostName) throws Exception {
        Map<String, Long> dropped = host.backlog().dropAll();
        long total = 0;
        for (Map.Entry<String, Long> task : dropped.entrySet()) {
            counters.add(task.getKey(), TaskCounters.GIVEN_UP, task.getValue());
            backingOff.ended(task.getKey(), hostName);
            total += task.getValue();
        }
        metrics.givenUpUrls.inc(total);
        LOG.warn("Host {}: no answer for {} with its breaker open; giving up its {} queued URLs ({})", hostName,
                backoff.giveUp(), total, dropped);
    }

    /**
     * Forgets the state of an idle host that is only a cache or whose meaning has lapsed (see the
     * {@link HostScheduler} comment); what lapses later (a robots.txt answered or a pause begun
     * since the host went idle) keeps the timer until then.
     */
    private void forgetLapsed(HostTimer.Timers timers, long now) throws Exception {
        host.turns().clear();
        host.backlog().forgetEmptySize();
        long keepUntil = Math.max(host.pacing().forgetLapsed(now), host.robots().forgetLapsed(now));
        if (keepUntil > 0) {
            host.timer().scheduleAt(timers, keepUntil);
        }
    }

    /** A task's precedence on shared hosts: its spec's priority (0 until its spec arrives). */
    private int specPriority(String task, TaskState state) {
        TaskView view = views.of(task, state);
        return view == null ? 0 : view.spec().priority();
    }

    /** Whether a queued entry is within its task's depth and scope (the spec may have changed since it was queued). */
    private static boolean inScope(QueuedUrl entry, TaskView view) {
        return entry.depth() <= view.spec().maxDepth() && view.scope().allows(entry.url());
    }
}
