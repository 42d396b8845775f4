package io.streamcrawl.job.cli;

import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;
import io.streamcrawl.connectors.redis.internal.ConnectionRetry;
import io.streamcrawl.job.etcd.EtcdKv;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.flink.util.ExceptionUtils;

import redis.clients.jedis.exceptions.JedisException;

/**
 * How crawlctl's watching commands ride out an outage of Redis or etcd: a read that fails because
 * a server is unreachable is tried again every poll on fresh connections, and the first failure of
 * an outage prints one line naming the server and how long crawlctl waits. Past that patience the
 * read fails with an {@link UnreachableException}, one line without a stack trace. Failures that
 * waiting cannot fix (refused credentials or TLS, a bad reply) are thrown at once, also when etcd
 * shows them only as a request that gets no answer.
 */
final class OutageWait {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /** Redis or etcd stayed unreachable past crawlctl's patience; the message is crawlctl's last line. */
    static final class UnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message) {
            super(message);
        }
    }

    /** Where crawlctl connects, to name the server that is down; and why etcd gives no answer, when it can tell. */
    record Servers(String redis, String etcd, Supplier<Optional<EtcdConnectionConfig.Diagnosis>> etcdDiagnosis) {}

    private final Servers servers;
    private final Duration patience;
    private final Duration poll;
    private final PrintStream err;

    OutageWait(Servers servers, Duration patience, Duration poll, PrintStream err) {
        this.servers = servers;
        this.patience = patience;
        this.poll = poll;
        this.err = err;
    }

    /** The result of {@code read}, which is tried again, after {@code reconnect}, while a server is unreachable. */
    <T> T read(Supplier<T> read, Runnable reconnect) {
        Instant since = null;
        String down = null;
        while (true) {
            Instant attempt = Instant.now();
            try {
                return read.get();
            } catch (RuntimeException e) {
                String server = unreachableServer(e);
                if (server == null) {
                    throw e;
                }
                String why = cause(e);
                if (since == null) {
                    since = attempt;
                    down = server + " unreachable (" + why + ")";
                    err.printf("crawlctl: %s, waiting up to %s (since %s)%n", down, format(patience), CLOCK.format(since));
                }
                if (Duration.between(since, Instant.now()).compareTo(patience) > 0) {
                    throw new UnreachableException(String.format("crawlctl: %s for more than %s (since %s), giving up",
                            down, format(patience), CLOCK.format(since)));
                }
                reconnect.run();
                sleep(poll);
            }
        }
    }

    /** The server an outage failure names, or null when {@code e} is not one. */
    private String unreachableServer(RuntimeException e) {
        if (e instanceof JedisException && ConnectionRetry.isTransient(e)) {
            return "Redis at " + servers.redis();
        }
        return e instanceof EtcdKv.UnavailableException ? "etcd at " + servers.etcd() : null;
    }

    /**
     * What keeps the server from answering.
     *
     * @throws IllegalStateException when etcd refuses the connection (TLS, user): jetcd reports that
     *     as a request without an answer, but it is no outage
     */
    private String cause(RuntimeException e) {
        if (e instanceof EtcdKv.UnavailableException) {
            Optional<EtcdConnectionConfig.Diagnosis> why = servers.etcdDiagnosis().get();
            if (why.isPresent() && why.get().refused()) {
                throw new IllegalStateException(e.getMessage() + ": " + why.get().cause(), e);
            }
            if (why.isPresent()) {
                return why.get().cause();
            }
        }
        Throwable root = ExceptionUtils.stripCompletionException(e);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** {@code 5m}, {@code 1m30s}, {@code 20s}. */
    static String format(Duration d) {
        long minutes = d.toMinutes();
        long seconds = d.toSecondsPart();
        if (minutes == 0) {
            return seconds + "s";
        }
        return seconds == 0 ? minutes + "m" : minutes + "m" + seconds + "s";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
