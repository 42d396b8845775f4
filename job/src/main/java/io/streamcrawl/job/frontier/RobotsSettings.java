package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.config.CrawlerOptions.*;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long the host schedulers keep robots.txt answers, from the job's configuration.
 *
 * @param cacheTtl how long a robots.txt (or its absence, a 4xx) is used before it is fetched again
 * @param errorTtl how long a host stays closed after its robots.txt was unreachable (5xx, 429, no answer)
 * @param requestTimeout how long a host waits for the robots.txt it asked for before asking again
 * @param unreachableGiveUp how long an origin's robots.txt may stay unreachable before its URLs
 *     are dropped instead of waiting (RFC 9309 2.3.1.4 lets a crawler stop waiting "after a
 *     reasonably long period")
 */
public record RobotsSettings(Duration cacheTtl, Duration errorTtl, Duration requestTimeout, Duration unreachableGiveUp)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public RobotsSettings {
        Preconditions.checkArgument(cacheTtl.toMillis() > 0, "cacheTtl must be positive, was %s", cacheTtl);
        Preconditions.checkArgument(errorTtl.toMillis() > 0, "errorTtl must be positive, was %s", errorTtl);
        Preconditions.checkArgument(requestTimeout.toMillis() > 0, "requestTimeout must be positive, was %s", requestTimeout);
        Preconditions.checkArgument(unreachableGiveUp.toMillis() > 0, "unreachableGiveUp must be positive, was %s",
                unreachableGiveUp);
    }

    /** The settings of a job's configuration. */
    public static RobotsSettings from(ReadableConfig config) {
        return new RobotsSettings(config.get(ROBOTS_CACHE_TTL), config.get(ROBOTS_ERROR_TTL),
                config.get(ROBOTS_REQUEST_TIMEOUT), config.get(ROBOTS_UNREACHABLE_GIVE_UP));
    }
}
