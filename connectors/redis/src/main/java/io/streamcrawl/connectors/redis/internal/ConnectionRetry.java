package io.streamcrawl.connectors.redis.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.StreamFence;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Back-off and deadline for one Redis client through an outage: the caller reports each failed
 * call and each success; a failure waits the next back-off, and fails with an {@link IOException}
 * once Redis has been unreachable longer than {@link RedisRetryOptions#TIMEOUT}.
 *
 * <p>Not thread-safe, except {@link #wakeUp()}, which may be called from any thread to cut a
 * back-off wait short. The outage is logged at WARN when it starts and at INFO when it ends.
 */
@Internal
public final class ConnectionRetry {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRetry.class);

    private final String what;
    private final RedisConnectionConfig connection;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration timeout;
    private final Object lock = new Object();

    private long outageStartNanos;
    private int failures;
    private boolean wakeUp;
    private boolean connected;

    /** {@code what} names the client in log lines, e.g. "source reader 0 of redis://host:6379". */
    public ConnectionRetry(String what, RedisConnectionConfig connection, ReadableConfig config) {
        this.what = what;
        this.connection = connection;
        this.initialBackoff = config.get(RedisRetryOptions.INITIAL_BACKOFF);
        this.maxBackoff = config.get(RedisRetryOptions.MAX_BACKOFF);
        this.timeout = config.get(RedisRetryOptions.TIMEOUT);
    }

    /**
     * Whether a failure is worth retrying: a lost connection, a server that is (re)starting, a
     * cluster whose slots moved, a stream fence that its holder has not confirmed lately
     * ({@link StreamFence#UNCONFIRMED}). The caller then drops its client and opens a new one. Refused
     * credentials, missing permissions and failed TLS handshakes are not, even when the client reports
     * them as a connection failure.
     */
    public static boolean isTransient(RuntimeException e) {
        if (RedisFailures.isAuthenticationFailure(e) || RedisFailures.isPermissionFailure(e)
                || RedisFailures.isTlsFailure(e)) {
            return false;
        }
        if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException
                || e instanceof JedisRedirectionException) {
            // A cluster that cannot be reached or is resharding (MOVED/ASK in a pipeline's replies):
            // a new client learns the current slots.
            return true;
        }
        if (e instanceof JedisBroadcastException broadcast) {
            // A command sent to every node of a cluster (SCRIPT LOAD) that some node failed: as
            // transient as those nodes' failures, e.g. a master restarting.
            return failuresAllTransient(broadcast);
        }
        if (e instanceof JedisDataException && e.getMessage() != null) {
            String m = e.getMessage();
            // NOSCRIPT: a restarted server lost the fence scripts, which a new client loads again.
            return m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("TRYAGAIN")
                    || m.startsWith("MASTERDOWN") || m.startsWith("READONLY") || m.startsWith("CLUSTERDOWN")
                    || m.startsWith("NOSCRIPT") || FenceScripts.replyStartsWith(e, StreamFence.UNCONFIRMED);
        }
        return false;
    }

    private static boolean failuresAllTransient(JedisBroadcastException broadcast) {
        boolean failed = false;
        for (Object reply : broadcast.getReplies().values()) {
            if (reply instanceof RuntimeException failure) {
                if (!isTransient(failure)) {
                    return false;
                }
                failed = true;
            }
        }
        return failed;
    }

    /**
     * The failure to judge with {@link #isTransient} and to report, for a failed call: {@code e},
     * unless a TLS connection that has never worked broke as it was set up (a reset, a broken pipe,
     * an end of stream) and the server, asked once more, refuses the handshake with a fatal alert
     * (see {@link TlsRejectionProbe}); then a failure with that alert as its cause. So a client
     * certificate the server refuses fails at once, with the server's reason, while a connection that
     * breaks once the connector has worked is retried without a probe. A probe blocks for up to
     * twice the connect timeout.
     */
    public RuntimeException explain(RuntimeException e) {
        if (connected || !connection.ssl() || !(e instanceof JedisConnectionException) || !isTransient(e)
                // The server was not reached, or did not answer: it gave no verdict to ask for.
                || ExceptionUtils.findThrowable(e, ConnectException.class).isPresent()
                || ExceptionUtils.findThrowable(e, SocketTimeoutException.class).isPresent()) {
            return e;
        }
        return TlsRejectionProbe.rejection(connection)
                .<RuntimeException>map(alert -> {
                    JedisConnectionException refused = new JedisConnectionException(
                            "the TLS handshake with " + connection.address() + " broke (" + e + "); the server refuses it", alert);
                    refused.addSuppressed(e);
                    return refused;
                })
                .orElse(e);
    }

    /**
     * Records a failed call, then waits the back-off (less if {@link #wakeUp()} is called).
     *
     * @throws IOException when Redis has been unreachable for longer than the retry timeout
     */
    public void onFailure(RuntimeException cause) throws IOException {
        long now = System.nanoTime();
        if (failures++ == 0) {
            outageStartNanos = now;
            LOG.warn("{}: Redis call failed ({}); retrying with back-off for up to {}",
                    what, cause.toString(), timeout);
        } else {
            LOG.debug("{}: Redis call failed again (attempt {}): {}", what, failures, cause.toString());
        }
        Duration down = Duration.ofNanos(now - outageStartNanos);
        if (down.compareTo(timeout) > 0) {
            throw new IOException(
                    what + ": Redis unreachable for " + down.toMillis() + " ms after " + failures
                            + " attempts (" + RedisRetryOptions.TIMEOUT.key() + " = " + timeout + ")",
                    cause);
        }
        waitFor(backoff());
    }

    /** Records a successful call; ends an outage if one was going on. */
    public void onSuccess() {
        connected = true;
        if (failures > 0) {
            LOG.info("{}: Redis reachable again after {} ms and {} failed attempts",
                    what, Duration.ofNanos(System.nanoTime() - outageStartNanos).toMillis(), failures);
            failures = 0;
        }
    }

    /** Cuts the current or next back-off wait short. Any thread. */
    public void wakeUp() {
        synchronized (lock) {
            wakeUp = true;
            lock.notifyAll();
        }
    }

    Duration backoff() {
        int doublings = Math.min(failures - 1, 30);
        Duration d = initialBackoff.multipliedBy(1L << doublings);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private void waitFor(Duration delay) throws IOException {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (lock) {
            try {
                long left;
                while (!wakeUp && (left = deadline - System.nanoTime()) > 0) {
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted while waiting to retry Redis");
            } finally {
                wakeUp = false;
            }
        }
    }
}
