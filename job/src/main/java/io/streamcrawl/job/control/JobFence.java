package io.streamcrawl.job.control;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;
import io.streamcrawl.job.config.EtcdConnections;
import io.grpc.stub.StreamObserver;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.streamcrawl.job.config.CrawlerOptions.ETCD_PREFIX;
import static io.streamcrawl.job.config.CrawlerOptions.FENCE_LEASE_TTL;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_GROUP;
import static io.streamcrawl.job.config.CrawlerOptions.JOB_NAME;

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
 */
public final class JobFence implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JobFence.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WAIT_POLL = Duration.ofSeconds(1);
    private static final String TOKEN = "token=";

    private final EtcdConnectionConfig etcd;
    private final String key;
    private final long ttlSeconds;
    private final String token;
    private final String jobName;

    JobFence(EtcdConnectionConfig etcd, String key, Duration ttl, String token, String jobName) {
        Preconditions.checkArgument(ttl.toSeconds() >= 1, "fence.lease-ttl must be at least 1 s, got %s", ttl);
        this.etcd = Preconditions.checkNotNull(etcd, "etcd");
        this.key = Preconditions.checkNotNull(key, "key");
        this.ttlSeconds = ttl.toSeconds();
        this.token = Preconditions.checkNotNull(token, "token");
        this.jobName = Preconditions.checkNotNull(jobName, "jobName");
    }

    /** The fence of a newly submitted job of this configuration: a fresh token. */
    public static JobFence forNewJob(Configuration config) {
        String root = config.get(ETCD_PREFIX).endsWith("/") ? config.get(ETCD_PREFIX) : config.get(ETCD_PREFIX) + "/";
        return new JobFence(EtcdConnections.of(config), root + "jobs/" + config.get(FRONTIER_GROUP) + "/owner",
                config.get(FENCE_LEASE_TTL), UUID.randomUUID().toString(), config.get(JOB_NAME));
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
     * {@code wait} for another job's fence to go away.
     *
     * @throws FenceHeldException when another job still holds the namespace after {@code wait}
     */
    public void reserve(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean announced = false;
        try (Client etcd = connect()) {
            while (true) {
                Attempt attempt = tryAcquire(etcd, "submitter");
                if (attempt.acquired()) {
                    LOG.info("Job fence {} reserved for job {} (token {})", key, jobName, token);
                    return;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw held(attempt);
                }
                if (!announced) {
                    LOG.info("Waiting up to {} for the job fence {}: {}", wait, key, describe(attempt));
                    announced = true;
                }
                sleep(WAIT_POLL);
            }
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

    /** The fence as held by a running job: renews its lease, and releases it on {@link #close()}. */
    public final class Holder implements AutoCloseable {
        private final Client etcd;
        private final String by;
        private volatile long lease;
        private volatile boolean lost;
        private volatile boolean interrupted;
        private CloseableClient keepAlive;

        private Holder(Client etcd, String by) {
            this.etcd = etcd;
            this.by = by;
        }

        public long lease() {
            return lease;
        }

        /**
         * Cheap while the lease is renewed. After the lease was lost (etcd unreachable for longer
         * than its TTL), takes the fence again; an etcd that is still unreachable is only logged,
         * since the crawl itself does not need etcd.
         *
         * @throws FenceHeldException when another job took the namespace meanwhile
         */
        public void verify() {
            if (!lost) {
                return;
            }
            try {
                acquire();
                LOG.info("Job fence {} taken again with lease {}", key, Long.toHexString(lease));
            } catch (FenceHeldException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("Job fence {}: lease lost and etcd not reachable ({}); trying again at the next checkpoint",
                        key, e.getMessage());
            }
        }

        private synchronized void acquire() {
            Attempt attempt = tryAcquire(etcd, by);
            if (!attempt.acquired()) {
                throw held(attempt);
            }
            if (keepAlive != null) {
                keepAlive.close();
            }
            lease = attempt.lease();
            lost = false;
            keepAlive = etcd.getLeaseClient().keepAlive(attempt.lease(), new Renewals(attempt.lease()));
            LOG.info("Job fence {} held by {} of job {} with lease {} (TTL {} s)",
                    key, by, jobName, Long.toHexString(lease), ttlSeconds);
        }

        /** Releases the fence at once: the next job need not wait for the lease to expire. */
        @Override
        public synchronized void close() {
            try {
                if (keepAlive != null) {
                    keepAlive.close();
                }
                await(etcd.getLeaseClient().revoke(lease));
                LOG.info("Job fence {} released (lease {} revoked)", key, Long.toHexString(lease));
            } catch (RuntimeException e) {
                LOG.warn("Job fence {}: cannot revoke lease {} ({}); it expires in at most {} s",
                        key, Long.toHexString(lease), e.getMessage(), ttlSeconds);
            } finally {
                etcd.close();
            }
        }

        /** Renewal outcomes, on jetcd's threads: only flags, the task thread acts in {@link #verify()}. */
        private final class Renewals implements StreamObserver<LeaseKeepAliveResponse> {
            private final long id;

            Renewals(long id) {
                this.id = id;
            }

            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                if (interrupted) {
                    interrupted = false;
                    LOG.info("Job fence {}: lease {} renewed again", key, Long.toHexString(id));
                }
            }

            @Override
            public void onError(Throwable error) {
                if (error instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND) {
                    markLost("expired");
                } else if (!interrupted) {
                    // jetcd restarts the renewal stream by itself: the lease survives a short outage.
                    interrupted = true;
                    LOG.warn("Job fence {}: renewing lease {} failed ({}); retrying", key, Long.toHexString(id),
                            error.getMessage());
                }
            }

            @Override
            public void onCompleted() {
                markLost("not renewed within its TTL");
            }

            private void markLost(String why) {
                if (lease == id) {
                    lost = true;
                    LOG.warn("Job fence {}: lease {} {}; taking the fence again at the next checkpoint",
                            key, Long.toHexString(id), why);
                }
            }
        }
    }

    /** The outcome of one acquisition: a lease when acquired, else the current holder. */
    private record Attempt(long lease, String holder, long holderLease, long holderTtl) {
        boolean acquired() {
            return lease != 0;
        }
    }

    /** One round of the protocol: put if absent, else take over from an earlier attempt of this job. */
    private Attempt tryAcquire(Client etcd, String by) {
        ByteSequence k = bytes(key);
        ByteSequence value = bytes(TOKEN + token + " job=" + jobName + " holder=" + by + " since=" + Instant.now());
        long lease = await(etcd.getLeaseClient().grant(ttlSeconds)).getID();
        PutOption withLease = PutOption.builder().withLeaseId(lease).build();
        while (true) {
            TxnResponse create = await(etcd.getKVClient().txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(k, value, withLease))
                    .Else(Op.get(k, GetOption.DEFAULT))
                    .commit());
            if (create.isSucceeded()) {
                return new Attempt(lease, null, 0, 0);
            }
            List<KeyValue> kvs = create.getGetResponses().get(0).getKvs();
            if (kvs.isEmpty()) {
                continue;   // deleted between the compare and the get: try again
            }
            KeyValue current = kvs.get(0);
            String holder = current.getValue().toString(StandardCharsets.UTF_8);
            if (!token.equals(tokenOf(holder))) {
                long holderTtl = current.getLease() == 0 ? -1
                        : await(etcd.getLeaseClient().timeToLive(current.getLease(), LeaseOption.DEFAULT)).getTTL();
                revokeQuietly(etcd, lease);
                return new Attempt(0, holder, current.getLease(), holderTtl);
            }
            TxnResponse takeOver = await(etcd.getKVClient().txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())))
                    .Then(Op.put(k, value, withLease))
                    .commit());
            if (takeOver.isSucceeded()) {
                if (current.getLease() != 0) {
                    revokeQuietly(etcd, current.getLease());   // the previous attempt's lease: now attached to nothing
                }
                return new Attempt(lease, null, 0, 0);
            }
        }
    }

    private FenceHeldException held(Attempt attempt) {
        return new FenceHeldException("crawl namespace " + key + " is held by another job: " + describe(attempt)
                + ". One job per crawl namespace: stop or cancel that job first; after a crash its lease expires"
                + " within fence.lease-ttl. Set fence.wait to make a submission wait instead of failing.");
    }

    private static String describe(Attempt attempt) {
        String lease = attempt.holderLease() == 0 ? "no lease"
                : "lease " + Long.toHexString(attempt.holderLease()) + ", " + attempt.holderTtl() + " s left";
        return "'" + attempt.holder() + "' (" + lease + ")";
    }

    static String tokenOf(String ownerValue) {
        for (String part : ownerValue.split(" ")) {
            if (part.startsWith(TOKEN)) {
                return part.substring(TOKEN.length());
            }
        }
        return "";
    }

    private Client connect() {
        return etcd.newClient();
    }

    private static void revokeQuietly(Client etcd, long lease) {
        etcd.getLeaseClient().revoke(lease).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("Revoking lease {} failed: {}", Long.toHexString(lease), e.toString());
            }
        });
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("etcd request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            // jetcd waits for a connection without saying why it has none (a refused TLS handshake, say).
            String why = etcd.diagnose(REQUEST_TIMEOUT).map(cause -> ": " + cause).orElse("");
            throw new IllegalStateException("etcd did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s" + why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the job fence", e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
