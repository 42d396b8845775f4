package io.streamcrawl.job.control;
import io.streamcrawl.job.etcd.EtcdKv;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running host-scheduler subtask's entry in the worker registry: the key
 * {@code <etcd.prefix>jobs/<crawl>/workers/<taskmanager>/<subtask>} holding a {@link WorkerInfo},
 * attached to an etcd lease of {@code workers.lease-ttl}.
 *
 * <p>A thread of its own does all etcd work, never the operator's thread: it takes a lease and
 * writes the key, then renews the lease at least three times per TTL and rewrites the value every
 * {@code workers.refresh-interval}. {@link #close()} revokes the lease, which deletes the key; a
 * TaskManager that dies without closing stops renewing, and etcd deletes the key when the TTL
 * runs out. An etcd outage never fails the job: each failed attempt is logged (once per outage)
 * and counted in {@value #FAILURES}, the client is built afresh, and once the lease has lapsed the
 * next attempt that reaches etcd registers again with a new lease.
 */
public final class WorkerRegistration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistration.class);
    public static final String FAILURES = "crawler_worker_registration_failures_total";
    private static final long NO_LEASE = 0;
    private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(10);
    private static final Duration MIN_TICK = Duration.ofMillis(100);

    /** What the subtask holds now, read on the registration thread: hosts with queued URLs, pages released so far. */
    public record Load(long hostsHeld, long pagesReleased) {}

    private final WorkerRegistrySettings settings;
    private final String key;
    private final WorkerInfo identity;
    private final Supplier<Load> load;
    private final Counter failures;
    private final Duration requestTime;
    private final ScheduledExecutorService thread;

    // Used by the registration thread only, and by close() after it stopped.
    private Client etcd;
    private long leaseId = NO_LEASE;
    private long renewedNanos;
    private long nextPutNanos;
    private long lastReleased = -1;
    private long lastSampleNanos;
    private boolean failing;

    /** Starts registering {@code identity} (its load figures are taken from {@code load}). */
    WorkerRegistration(WorkerRegistrySettings settings, WorkerInfo identity, Supplier<Load> load, MetricGroup metrics) {
        this.settings = settings;
        this.key = settings.key(identity.taskManager(), identity.subtask());
        this.identity = identity;
        this.load = load;
        this.failures = metrics.counter(FAILURES);
        Duration third = settings.leaseTtl().dividedBy(3);
        this.requestTime = third.compareTo(MAX_REQUEST_TIME) < 0 ? third : MAX_REQUEST_TIME;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                new ExecutorThreadFactory("worker-registration-" + identity.subtask()));
        long period = Math.max(MIN_TICK.toMillis(), settings.tick().toMillis());
        thread.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
    }

    /** Registers the subtask of {@code context} as a worker, on the TaskManager Flink names in its metric scope. */
    public static WorkerRegistration start(WorkerRegistrySettings settings, RuntimeContext context, Supplier<Load> load) {
        Map<String, String> scope = context.getMetricGroup().getAllVariables();
        WorkerInfo identity = new WorkerInfo(scope.getOrDefault("<tm_id>", "unknown"), hostOf(scope.get("<host>")),
                context.getTaskInfo().getIndexOfThisSubtask(), context.getTaskInfo().getNumberOfParallelSubtasks(),
                context.getTaskInfo().getAttemptNumber(), 0, 0, 0);
        return new WorkerRegistration(settings, identity, load, context.getMetricGroup());
    }

    /** The TaskManager's host as Flink names it, else this machine's name (a MiniCluster names none). */
    private static String hostOf(String flinkHost) {
        if (flinkHost != null && !flinkHost.isBlank()) {
            return flinkHost;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** The worker's key. */
    public String key() {
        return key;
    }

    private void tick() {
        long now = System.nanoTime();
        try {
            if (etcd == null) {
                etcd = settings.control().connect();
            }
            if (leaseId != NO_LEASE && now - renewedNanos > settings.leaseTtl().toNanos()) {
                leaseId = NO_LEASE; // not renewed within its TTL: etcd dropped it and the key
            }
            boolean fresh = false;
            if (leaseId != NO_LEASE) {
                LeaseKeepAliveResponse renewal = EtcdKv.await(etcd.getLeaseClient().keepAliveOnce(leaseId), requestTime);
                if (renewal.getTTL() > 0) {
                    renewedNanos = now;
                } else {
                    leaseId = NO_LEASE;
                }
            }
            if (leaseId == NO_LEASE) {
                leaseId = EtcdKv.await(etcd.getLeaseClient().grant(settings.leaseTtl().toSeconds()), requestTime).getID();
                renewedNanos = now;
                fresh = true;
            }
            if (fresh || now - nextPutNanos >= 0) {
                EtcdKv.await(etcd.getKVClient().put(EtcdKv.bytes(key), EtcdKv.bytes(current(now).toJson()),
                        PutOption.builder().withLeaseId(leaseId).build()), requestTime);
                nextPutNanos = now + settings.refreshInterval().toNanos();
            }
            if (fresh) {
                LOG.info("Worker {} registered with lease {} (TTL {})", key, Long.toHexString(leaseId), settings.leaseTtl());
            }
            failing = false;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // close() stops this thread and revokes the lease itself
            }
            failures.inc();
            if (!failing) {
                failing = true;
                LOG.warn("Worker {}: cannot reach etcd ({}); the entry lapses with its lease and is written again once"
                        + " etcd answers", key, e.getMessage());
            }
            closeClient(); // the next attempt connects afresh instead of waiting out a dead channel's back-off
        }
    }

    /** The identity with the load now: pages per second since the previous write. */
    private WorkerInfo current(long now) {
        Load sample = load.get();
        double perSecond = lastReleased < 0 || now == lastSampleNanos
                ? 0 : Math.max(0, sample.pagesReleased() - lastReleased) * 1e9 / (now - lastSampleNanos);
        lastReleased = sample.pagesReleased();
        lastSampleNanos = now;
        return new WorkerInfo(identity.taskManager(), identity.host(), identity.subtask(), identity.parallelism(),
                identity.attempt(), sample.hostsHeld(), Math.round(perSecond * 10) / 10.0, System.currentTimeMillis());
    }

    /** Stops refreshing and revokes the lease, which deletes the key; waits for etcd at most a third of the TTL. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(requestTime.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (leaseId != NO_LEASE && etcd != null) {
            try {
                EtcdKv.await(etcd.getLeaseClient().revoke(leaseId), requestTime);
                LOG.info("Worker {} unregistered", key);
            } catch (RuntimeException e) {
                LOG.warn("Worker {}: lease not revoked ({}); the entry lapses within {}", key, e.getMessage(),
                        settings.leaseTtl());
            }
        }
        closeClient();
    }

    private void closeClient() {
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
    }
}
