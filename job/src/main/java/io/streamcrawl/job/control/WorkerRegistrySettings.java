package io.streamcrawl.job.control;
import io.streamcrawl.job.etcd.ControlPlane;

import java.io.Serializable;
import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.Preconditions;

import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_GROUP;
import static io.streamcrawl.job.config.CrawlerOptions.WORKERS_LEASE_TTL;
import static io.streamcrawl.job.config.CrawlerOptions.WORKERS_REFRESH_INTERVAL;

/**
 * Where and how the host-scheduler subtasks register as workers: the control plane, the crawl
 * namespace (the frontier's consumer group, as for the job fence), the TTL of each worker's etcd
 * lease and how often its value is refreshed. Carried by the operator; {@link WorkerRegistration}
 * does the work on the TaskManager.
 */
public record WorkerRegistrySettings(ControlPlane control, String crawl, Duration leaseTtl, Duration refreshInterval)
        implements Serializable {

    public WorkerRegistrySettings {
        Preconditions.checkArgument(leaseTtl.toSeconds() >= 1, "workers.lease-ttl must be at least 1 s, got %s", leaseTtl);
        Preconditions.checkArgument(!refreshInterval.isNegative() && !refreshInterval.isZero(),
                "workers.refresh-interval must be positive, got %s", refreshInterval);
    }

    public static WorkerRegistrySettings of(Configuration config) {
        return new WorkerRegistrySettings(ControlPlane.of(config), config.get(FRONTIER_GROUP),
                config.get(WORKERS_LEASE_TTL), config.get(WORKERS_REFRESH_INTERVAL));
    }

    /** The worker key of a subtask. */
    String key(String taskManager, int subtask) {
        return control.keys().workerKey(crawl, taskManager, subtask);
    }

    /**
     * How often the registration thread wakes: at each refresh, and at least three times per
     * TTL, so that a keep-alive may fail twice before the lease lapses.
     */
    Duration tick() {
        Duration third = leaseTtl.dividedBy(3);
        return refreshInterval.compareTo(third) < 0 ? refreshInterval : third;
    }
}
