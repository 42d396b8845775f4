package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.url.UrlFingerprint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * One host's scheduler parts bound to state in memory, with the job's default settings, page
 * grants and URL sketches in memory, the host's timers and its released requests recorded: the
 * fixture of the parts' unit tests.
 */
final class MemoryHost {
    static final String HOST = "a.org";

    final SchedulerSettings settings = SchedulerSettings.from(new Configuration());
    final BackoffSettings backoff = BackoffSettings.from(new Configuration());
    final TaskCounters counters = new TaskCounters();
    final AtomicLong activeHosts = new AtomicLong();
    final SchedulerMetrics metrics =
            new SchedulerMetrics(new UnregisteredMetricsGroup(), activeHosts::get, () -> counters.total(TaskCounters.QUEUED));
    final MemoryMapState<UrlFingerprint, Long> seen = new MemoryMapState<>();
    final HostQueues queues = new HostQueues(new MemoryMapState<>(), new MemoryMapState<>(), new MemoryValueState<>());
    final HostRetries retries = new HostRetries(new MemoryMapState<>(), new MemoryMapState<>(), new MemoryValueState<>());
    final HostBacklog backlog = new HostBacklog(queues, retries, counters, activeHosts);
    final HostPacing pacing = new HostPacing(new MemoryValueState<>(), new MemoryValueState<>(), backoff,
            settings.busyPause(), metrics);
    final HostRobots robots = new HostRobots(new MemoryMapState<>(), new RobotsPolicy(RobotsSettings.from(new Configuration())));
    final HostRecrawl recrawl = new HostRecrawl(new MemoryMapState<>(), new MemoryMapState<>(), new MemoryValueState<>(),
            settings.recrawlScan().toMillis());
    final MemoryMapState<String, Long> hostPages = new MemoryMapState<>();
    final HostTimer timer = new HostTimer(new MemoryValueState<>(), backlog, pacing, recrawl, robots,
            settings.waitPoll().toMillis());
    final HostParts parts = new HostParts(new HostSeen(seen, new SplittableRandom(7)), backlog,
            new HostTurns(new MemoryMapState<>()), pacing, robots, recrawl, new HostPageCaps(hostPages), timer);
    final Grants grants = new Grants();
    /** The URL hashes each task counted as distinct. */
    final Map<String, List<Long>> sketches = new HashMap<>();
    final HostsBackingOff backingOff = new HostsBackingOff();
    /** The host's registered timers. */
    final TreeSet<Long> timers = new TreeSet<>();
    final HostTimer.Timers timerService = HostTimer.Timers.of(timers::add, timers::remove);
    final Map<String, TaskState> tasks = new HashMap<>();
    private final TaskViews views = new TaskViews();
    final List<FetchRequest> released = new ArrayList<>();

    HostIntake intake() {
        return new HostIntake(parts, views, grants, (task, hash) -> sketches.computeIfAbsent(task, t -> new ArrayList<>()).add(hash),
                counters, backingOff, backoff, metrics);
    }

    HostReleases releases() {
        return new HostReleases(parts, views, grants, counters, backingOff, settings, backoff, metrics);
    }

    /** Puts a task's spec, enabled. */
    void task(String task, String specJson) {
        tasks.put(task, new TaskState(specJson, true, false));
    }

    /** The host's timer fires at {@code now}; returns the URLs it released. */
    List<String> tick(HostReleases releases, long now) throws Exception {
        timers.headSet(now, true).clear(); // fired
        int before = released.size();
        releases.tick(HOST, tasks::get, now, timerService, released::add);
        return released.subList(before, released.size()).stream().map(FetchRequest::url).toList();
    }

    /** Page budgets in memory: each task has the pages left in {@link #left}, none means unlimited; {@link #available} false is "no grant now". */
    static final class Grants implements PageGrants {
        final Map<String, Long> left = new HashMap<>();
        boolean available = true;

        @Override
        public boolean hasGrant(String task, long maxPages) {
            return available;
        }

        @Override
        public boolean take(String task, long maxPages) {
            Long pages = left.get(task);
            if (pages == null) {
                return true;
            }
            if (pages == 0) {
                return false;
            }
            left.put(task, pages - 1);
            return true;
        }

        @Override
        public void refund(String task) {
            left.computeIfPresent(task, (t, pages) -> pages + 1);
        }

        @Override
        public void forget(String task) {
            left.remove(task);
        }
    }
}
