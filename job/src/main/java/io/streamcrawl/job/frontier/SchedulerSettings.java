package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.config.CrawlerOptions.*;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the {@link HostScheduler} paces hosts, from the job's configuration (the per-task settings
 * come with the task's spec).
 *
 * @param releasesPerTick URLs one host may release in one timer callback when its delay is 0
 * @param waitPoll how often a host whose queued URLs all wait (task disabled or unknown) looks again
 * @param busyPause how long a host releases nothing after the fetcher deferred one of its requests
 * @param recrawlScan the shortest time between two scans of a host's URLs due for a recrawl
 */
public record SchedulerSettings(int releasesPerTick, Duration waitPoll, Duration busyPause, Duration recrawlScan)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public SchedulerSettings {
        Preconditions.checkArgument(releasesPerTick > 0, "releasesPerTick must be positive, was %s", releasesPerTick);
        Preconditions.checkArgument(waitPoll.toMillis() > 0, "waitPoll must be positive, was %s", waitPoll);
        Preconditions.checkArgument(!busyPause.isNegative(), "busyPause must not be negative, was %s", busyPause);
        Preconditions.checkArgument(recrawlScan.toMillis() > 0, "recrawlScan must be positive, was %s", recrawlScan);
    }

    /** The settings of a job's configuration. */
    public static SchedulerSettings from(ReadableConfig config) {
        return new SchedulerSettings(config.get(SCHEDULER_RELEASES_PER_TICK), config.get(SCHEDULER_WAIT_POLL),
                config.get(SCHEDULER_BUSY_PAUSE), config.get(SCHEDULER_RECRAWL_SCAN));
    }
}
