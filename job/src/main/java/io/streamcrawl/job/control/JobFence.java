package io.streamcrawl.job.control;

import io.etcd.jetcd.Client;
import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.StreamFence;
import io.streamcrawl.job.config.EtcdConnections;
import io.streamcrawl.job.config.RedisConnections;
import io.streamcrawl.job.etcd.TaskKeys;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.streamcrawl.job.config.CrawlerOptions.ETCD_PREFIX;
import static io.streamcrawl.job.config.CrawlerOptions.FENCE_HANDOVER_TIMEOUT;
import static io.streamcrawl.job.config.CrawlerOptions.FENCE_LEASE_TTL;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_GROUP;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_SHARDS;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_STREAM_PREFIX;
import static io.streamcrawl.job.config.CrawlerOptions.JOB_NAME;
import static io.streamcrawl.job.config.CrawlerOptions.PAGES_STREAM;

/**
 * The job fence: at most one live job per crawl namespace, held as an etcd lease on
 * {@code <etcd.prefix>jobs/<crawl>/owner}, where the crawl is the job's frontier consumer group.
 *
 * <p>The owner key's value names its holder by a token that is created when a job is submitted and
 * travels inside the job graph, so the job's own restarts after a failure present the same token
 * and take the fence back even while the lease of the failed attempt is still alive; any other job
 * finds a foreign token and is refused. All changes are etcd transactions:
 * <ol>
 *   <li>{@link #reserve}: the submitting client puts the key with a fresh lease only if it is absent
 *       (or waits for that), so a second submission fails in {@code flink run}, before its job
 *       could read the frontier;
 *   <li>{@link #hold}: the running job puts the key with its own lease if it is absent or carries
 *       its token (compare mod revision), keeps that lease alive, and revokes it when it closes;
 *   <li>a job that dies without closing (kill -9 of its TaskManager or of the whole cluster) stops
 *       renewing, so its lease expires after {@code fence.lease-ttl} and etcd deletes the key.
 * </ol>
 *
 * <p>The lease alone cannot stop a job that lost it (partitioned from etcd, paused) from working on:
 * the fence is mirrored in Redis as a {@link StreamFence}, which the job's sources and sinks check
 * atomically with every XREADGROUP, XACK/XDEL, XCLAIM and XADD. Whoever takes the lease writes it
 * with its token and the etcd revision of its transaction (later takers have higher revisions),
 * confirmed for what is left of the lease's TTL since its last renewal ({@link FenceLease}): a job
 * that cannot renew its lease stops changing the streams within the TTL by itself, and one whose
 * fence another job took fails without restarts at its next Redis command.
 */
public final class JobFence implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JobFence.class);
    private static final Duration WAIT_POLL = Duration.ofSeconds(1);
    private static final Duration HANDOVER_POLL = Duration.ofMillis(200);

    private final EtcdConnectionConfig etcd;
    private final String key;
    private final FenceOwnerRecord owner;
    private final long ttlSeconds;
    private final String token;
    private final String jobName;
    private final RedisConnectionConfig redis;
    private final List<String> streams;
    private final StreamFence streamFence;
    private final Duration handoverTimeout;

    private JobFence(Configuration config, String token) {
        Duration ttl = config.get(FENCE_LEASE_TTL);
        Preconditions.checkArgument(ttl.toSeconds() >= 1, "fence.lease-ttl must be at least 1 s, got %s", ttl);
        String group = config.get(FRONTIER_GROUP);
        this.etcd = EtcdConnections.of(config);
        this.key = new TaskKeys(config.get(ETCD_PREFIX)).jobKey(group, TaskKeys.OWNER);
        this.ttlSeconds = ttl.toSeconds();
        this.token = token;
        this.jobName = config.get(JOB_NAME);
        this.redis = RedisConnections.of(config);
        String streamPrefix = config.get(FRONTIER_STREAM_PREFIX);
        this.streams = Stream.concat(IntStream.range(0, config.get(FRONTIER_SHARDS)).mapToObj(i -> streamPrefix + i),
                Stream.of(config.get(PAGES_STREAM))).toList();
        // Without braces: one in the base would put the fence keys in its slot, not in their streams' slots.
        this.streamFence = new StreamFence((streamPrefix + "fence:" + group).replaceAll("[{}]", ""), token);
        this.handoverTimeout = config.get(FENCE_HANDOVER_TIMEOUT);
        this.owner = new FenceOwnerRecord(etcd, key, token, jobName, ttlSeconds);
    }

    /** The fence of a newly submitted job of this configuration: a fresh token. */
    public static JobFence forNewJob(Configuration config) {
        return new JobFence(config, UUID.randomUUID().toString());
    }

    /**
     * The fence the job's Redis sources and sinks check with each command that changes a stream
     * or the consumer group: this job's token, on a key per stream named after the crawl.
     */
    public StreamFence streamFence() {
        return streamFence;
    }

    /** The streams the stream fence covers: the frontier's shards and the pages stream. */
    List<String> streams() {
        return streams;
    }

    /** The owner key, e.g. {@code /streamcrawl/jobs/streamcrawl/owner}. */
    public String key() {
        return key;
    }

    /** The token that names this fence's job in the owner key. */
    String token() {
        return token;
    }

    /**
     * Client side, before the job is submitted: takes the fence for this job, waiting up to
     * {@code wait} for another job's fence to go away, and writes the stream fence with this job's
     * token, so that no operator of an earlier job changes the streams from then on. The
     * reservation keeps its lease alive until the job's {@link #hold} takes over, for at most
     * {@code fence.handover-timeout}; then (or on {@link Reservation#close()}) it stops renewing
     * and the lease expires within its TTL.
     *
     * @throws FenceHeldException when another job still holds the namespace after {@code wait}
     */
    public Reservation reserve(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean announced = false;
        Client etcd = connect();
        try {
            while (true) {
                FenceOwnerRecord.Attempt attempt = owner.tryAcquire(etcd, "submitter");
                if (attempt.acquired()) {
                    Reservation reservation = new Reservation(etcd, attempt);
                    LOG.info("Job fence {} reserved for job {} (token {})", key, jobName, token);
                    return reservation;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw owner.held(attempt);
                }
                if (!announced) {
                    LOG.info("Waiting up to {} for the job fence {}: {}", wait, key, FenceOwnerRecord.describe(attempt));
                    announced = true;
                }
                sleep(WAIT_POLL);
            }
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    /** The fence as reserved by the submitting client, kept alive until the job holds it. */
    public final class Reservation implements AutoCloseable {
        private final Client etcd;
        private final FenceLease lease;
        private final long until;

        private Reservation(Client etcd, FenceOwnerRecord.Attempt attempt) {
            this.etcd = etcd;
            this.until = System.nanoTime() + handoverTimeout.toNanos();
            this.lease = newLease(etcd, "Job fence " + key + " (reserved)", attempt, l -> {
                if (System.nanoTime() - until >= 0 && !l.expired()) {
                    LOG.warn("Job fence {}: job {} did not hold its fence within {} (fence.handover-timeout);"
                            + " no longer renewing the reservation", key, jobName, handoverTimeout);
                    l.stopRenewing();
                }
            });
        }

        /**
         * Waits until the job holds its fence (its {@link #hold} revoked this reservation's lease),
         * or {@code fence.handover-timeout} has passed since the reservation.
         */
        public boolean awaitHandover() {
            while (!lease.expired() && !lease.fenced() && System.nanoTime() - until < 0) {
                sleep(HANDOVER_POLL);
            }
            return lease.expired() || lease.fenced();
        }

        /** Stops renewing; a lease the job has not taken over expires within its TTL. */
        @Override
        public void close() {
            lease.close();
            etcd.close();
        }
    }

    /**
     * Job side: takes the fence (absent, or held under this job's token) with a new lease and keeps
     * it alive until the holder is closed.
     *
     * @throws FenceHeldException when another job holds the namespace
     */
    public Holder hold(String jobId) {
        Client etcd = connect();
        try {
            Holder holder = new Holder(etcd, "flink-job-" + jobId);
            holder.acquire();
            return holder;
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    /** Another job holds the crawl namespace. */
    public static final class FenceHeldException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        FenceHeldException(String message) {
            super(message);
        }
    }

    /**
     * The fence as held by a running job: renews its lease and confirms the stream fence with each
     * renewal ({@link FenceLease}); takes the fence again when the lease expired (etcd unreachable
     * past the TTL), on the lease's thread; releases both on {@link #close()}.
     */
    public final class Holder implements AutoCloseable {
        private final Client etcd;
        private final String by;
        private volatile FenceLease lease;
        private volatile RuntimeException lost;

        private Holder(Client etcd, String by) {
            this.etcd = etcd;
            this.by = by;
        }

        public long lease() {
            return lease.id();
        }

        /**
         * Cheap. While the lease cannot be renewed the stream fence lapses and the job's Redis
         * commands wait; the fence is taken again as soon as etcd answers.
         *
         * @throws FenceHeldException when another job took the namespace meanwhile
         */
        public void verify() {
            RuntimeException e = lost;
            if (e != null) {
                throw e;
            }
        }

        private synchronized void acquire() {
            FenceOwnerRecord.Attempt attempt = owner.tryAcquire(etcd, by);
            if (!attempt.acquired()) {
                throw owner.held(attempt);
            }
            FenceLease previous = lease;
            lease = newLease(etcd, "Job fence " + key, attempt, this::onTick);
            if (previous != null) {
                previous.close();
            }
            LOG.info("Job fence {} held by {} of job {} with lease {} (TTL {} s)",
                    key, by, jobName, Long.toHexString(attempt.lease()), ttlSeconds);
        }

        /** On the lease's thread: takes an expired fence again, or learns that another job has it. */
        private void onTick(FenceLease current) {
            if (lost != null || current != lease) {
                return;
            }
            if (current.fenced()) {
                lost = new FenceHeldException("crawl namespace " + key + ": another job took the stream fence of job "
                        + jobName + " (token " + token + ") after its lease " + Long.toHexString(current.id()) + " expired");
            } else if (current.expired()) {
                try {
                    acquire();
                    LOG.info("Job fence {} taken again with lease {}", key, Long.toHexString(lease.id()));
                } catch (FenceHeldException e) {
                    lost = e;
                } catch (RuntimeException e) {
                    LOG.warn("Job fence {}: lease expired and etcd not reachable ({}); the job's Redis commands wait"
                            + " until it is taken again", key, e.getMessage());
                }
            }
        }

        /** Releases the fence at once: the next job need not wait for the lease to expire. */
        @Override
        public synchronized void close() {
            FenceLease held = lease;
            try {
                held.close();
                held.release();
                owner.await(etcd.getLeaseClient().revoke(held.id()));
                LOG.info("Job fence {} released (lease {} revoked)", key, Long.toHexString(held.id()));
            } catch (RuntimeException e) {
                LOG.warn("Job fence {}: cannot revoke lease {} ({}); it expires in at most {} s",
                        key, Long.toHexString(held.id()), e.getMessage(), ttlSeconds);
            } finally {
                etcd.close();
            }
        }
    }

    /** Keeps an acquired lease alive and writes the stream fence at once, or fails with the etcd lease revoked. */
    private FenceLease newLease(Client etcd, String name, FenceOwnerRecord.Attempt attempt, FenceLease.Listener listener) {
        FenceLease lease = new FenceLease(name, etcd, attempt.lease(), attempt.revision(), Duration.ofSeconds(ttlSeconds),
                redis, streams, streamFence, listener);
        try {
            lease.confirm();
            if (lease.fenced()) {
                throw new FenceHeldException("crawl namespace " + key + ": the stream fence in Redis holds a later job");
            }
            return lease;
        } catch (RuntimeException e) {
            lease.close();
            FenceOwnerRecord.revokeQuietly(etcd, attempt.lease());
            throw e instanceof FenceHeldException ? e : new IllegalStateException("job fence " + key
                    + ": cannot write the stream fence to Redis at " + redis.address() + " (" + e.getMessage() + ")", e);
        }
    }

    private Client connect() {
        return etcd.newClient();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the job fence", e);
        }
    }
}
