package io.streamcrawl.job.control;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.StreamFence;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.Nullable;

import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * One etcd lease of the job fence, kept alive, and the Redis stream fence that mirrors it: every
 * third of the TTL a thread of its own writes the stream fence ({@link StreamFence#hold}) as
 * confirmed until the lease's last renewal plus its TTL. So when the lease cannot be renewed (etcd
 * unreachable, a long pause), the stream fence lapses with it and every Redis write and
 * acknowledgement of the job waits, on every TaskManager, until a renewal or a new lease confirms
 * it again; and a job whose lease expired can never confirm a fence that a later holder took
 * (its revision is lower).
 *
 * <p>The thread also runs {@link Listener#onTick} (e.g. to take the fence again after the lease
 * expired); renewal outcomes arrive on jetcd's threads and only set flags.
 */
final class FenceLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FenceLease.class);

    /** What the owner of a lease learns. Called on the lease's thread. */
    interface Listener {
        /** Every third of the TTL, after the stream fence was confirmed (or not). */
        void onTick(FenceLease lease);
    }

    private final String name;
    private final long id;
    private final long revision;
    private final Duration ttl;
    private final RedisConnectionConfig redisConnection;
    private final List<String> streams;
    private final StreamFence streamFence;
    private final CloseableClient keepAlive;
    private final ScheduledExecutorService thread;
    private volatile long renewedNanos;
    private volatile boolean expired;
    private volatile boolean interrupted;
    private volatile boolean fenced;
    @Nullable private UnifiedJedis redis;
    private volatile Thread runner;

    FenceLease(String name, Client etcd, long id, long revision, Duration ttl, RedisConnectionConfig redis,
            List<String> streams, StreamFence streamFence, Listener listener) {
        this.name = name;
        this.id = id;
        this.revision = revision;
        this.ttl = ttl;
        this.redisConnection = redis;
        this.streams = streams;
        this.streamFence = streamFence;
        this.renewedNanos = System.nanoTime();
        this.keepAlive = etcd.getLeaseClient().keepAlive(id, new Renewals());
        this.thread = Executors.newSingleThreadScheduledExecutor(new ExecutorThreadFactory("job-fence-" + Long.toHexString(id)));
        long period = Math.max(100, ttl.toMillis() / 3);
        thread.scheduleWithFixedDelay(() -> {
            runner = Thread.currentThread();
            try {
                confirm();
            } catch (RuntimeException e) {
                // Logged by confirm(); the next tick tries again (a task that throws would not run again).
            }
            listener.onTick(this);
        }, period, period, TimeUnit.MILLISECONDS);
    }

    long id() {
        return id;
    }

    /** The lease was revoked or expired, or was not renewed within its TTL. */
    boolean expired() {
        return expired;
    }

    /** A holder with a later revision took the stream fence: this lease's job lost the crawl. */
    boolean fenced() {
        return fenced;
    }

    /**
     * Writes the stream fence as confirmed for what is left of the TTL since the last renewal;
     * with nothing left, it lets it lapse. Blocking; called once by the creator right after the
     * lease was taken (failing if Redis refuses), then by the lease's thread.
     */
    synchronized void confirm() {
        Duration left = ttl.minusNanos(System.nanoTime() - renewedNanos);
        if (expired || fenced || left.isNegative()) {
            return;
        }
        try {
            if (redis == null) {
                redis = redisConnection.createClient("streamcrawl-fence");
            }
            streamFence.hold(redis, streams, revision, left);
        } catch (RuntimeException e) {
            closeRedis();
            if (StreamFence.isFenced(e)) {
                fenced = true;
                LOG.warn("{}: lease {} lost the stream fence to a later holder ({})", name, Long.toHexString(id), e.getMessage());
                return;
            }
            LOG.warn("{}: cannot confirm the stream fence in Redis ({}); it lapses in {} ms unless confirmed",
                    name, e.toString(), left.toMillis());
            throw e;
        }
    }

    /** Stops renewing the lease: it expires within its TTL unless revoked, and the stream fence lapses with it. */
    void stopRenewing() {
        keepAlive.close();
    }

    /** Lets the stream fence lapse at once, if this lease still has it; best effort. Call after {@link #close()}. */
    synchronized void release() {
        try {
            if (redis == null) {
                redis = redisConnection.createClient("streamcrawl-fence");
            }
            streamFence.hold(redis, streams, revision, Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debug("{}: stream fence not released ({})", name, e.toString());
        } finally {
            closeRedis();
        }
    }

    private void closeRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    /** Stops renewing (the lease then expires within its TTL, unless revoked) and confirming. */
    @Override
    public void close() {
        keepAlive.close();
        if (Thread.currentThread() == runner) {
            // A listener replacing its lease: this tick is the thread's last.
            thread.shutdown();
        } else {
            thread.shutdownNow();
            try {
                thread.awaitTermination(redisConnection.socketTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeRedis();
    }

    private final class Renewals implements StreamObserver<LeaseKeepAliveResponse> {
        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            // The TTL runs from the request; the time of the answer is later, the stream fence's
            // end a little late: only a later holder's revision makes it safe, not this clock.
            renewedNanos = System.nanoTime();
            if (interrupted) {
                interrupted = false;
                LOG.info("{}: lease {} renewed again", name, Long.toHexString(id));
            }
        }

        @Override
        public void onError(Throwable error) {
            if (error instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND) {
                markExpired("expired");
            } else if (!interrupted) {
                // jetcd restarts the renewal stream by itself: the lease survives a short outage.
                interrupted = true;
                LOG.warn("{}: renewing lease {} failed ({}); retrying", name, Long.toHexString(id), error.getMessage());
            }
        }

        @Override
        public void onCompleted() {
            markExpired("not renewed within its TTL");
        }

        private void markExpired(String why) {
            expired = true;
            LOG.warn("{}: lease {} {}", name, Long.toHexString(id), why);
        }
    }
}
