package io.streamcrawl.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-process TCP proxy on a free loopback port in front of a real server (redis-server,
 * etcd), for tests of the faults real networks make, with no mock of the server:
 * <ul>
 *   <li>{@link #dropReplyTo}: the server runs a command but its reply never reaches the client
 *       (the reply is swallowed and the connection reset), as when a connection dies in the
 *       middle of a round trip;
 *   <li>{@link #holdRepliesAfter}: the server's answers to a request and to everything after it on
 *       that connection are held back until the test resets the connection, so the test can see
 *       the server act on a request whose reply the client never gets (suits HTTP/2, where a
 *       stream's first answer bytes may come before the server acted);
 *   <li>{@link #resetConnections}: every open connection is reset (TCP RST);
 *   <li>{@link #partition} and {@link #heal}: nothing passes in either direction, on open and new
 *       connections alike, until healed; what was sent meanwhile is delivered then, as TCP
 *       retransmission would (unless an end gave up and closed);
 *   <li>{@link #latency}: every chunk is delayed on its way.
 * </ul>
 * Each connection has two forwarding threads; chunks are forwarded as read, so a fault acts on
 * what one read returned. Command matching reads the client's bytes as ASCII: a RESP command, or
 * a string in an unencrypted gRPC request's body such as an etcd key.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> dropReplyTo = new AtomicReference<>();
    private final AtomicInteger droppedReplies = new AtomicInteger();
    private final AtomicReference<String> holdRepliesAfter = new AtomicReference<>();
    private final AtomicInteger holdingLinks = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Object partitionLock = new Object();
    private volatile boolean partitioned;
    private volatile long latencyMs;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) {
        this.target = target;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
        daemon("fault-proxy-accept-" + listener.getLocalPort(), this::acceptLoop).start();
    }

    /** A proxy to {@code host:port}, forwarding faithfully until told otherwise. */
    public static FaultProxy to(String host, int port) {
        return new FaultProxy(new InetSocketAddress(host, port));
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code host:port} of the proxy. */
    public String address() {
        return host() + ":" + port();
    }

    /**
     * Arms a lost reply, once: the server's reply to the next client message that contains
     * {@code command} (case-insensitive ASCII, e.g. {@code "XREADGROUP"}) is swallowed and its
     * connection reset. The server has run the command; the client never hears of it.
     */
    public void dropReplyTo(String command) {
        dropReplyTo.set(command.toUpperCase(Locale.ROOT));
    }

    /**
     * Arms a held reply, once: on the connection whose next client message contains
     * {@code request} (case-insensitive ASCII), nothing more reaches the client until
     * {@link #resetConnections} (the held bytes are lost) or {@link #heal} (they are delivered).
     */
    public void holdRepliesAfter(String request) {
        holdRepliesAfter.set(request.toUpperCase(Locale.ROOT));
    }

    /** How many connections hold their replies back after {@link #holdRepliesAfter} struck. */
    public int holdingConnections() {
        return holdingLinks.get();
    }

    /** How many replies {@link #dropReplyTo} has swallowed. */
    public int droppedReplies() {
        return droppedReplies.get();
    }

    /** Whether a {@link #dropReplyTo} is armed and has not struck yet. */
    public boolean dropArmed() {
        return dropReplyTo.get() != null;
    }

    /** How many client connections the proxy has accepted. */
    public int connections() {
        return connections.get();
    }

    /** Resets every open connection (both ends see a TCP RST). */
    public void resetConnections() {
        links.forEach(Link::reset);
    }

    /** Holds every byte in either direction, on open and new connections, until {@link #heal}. */
    public void partition() {
        partitioned = true;
    }

    /** Ends a {@link #partition} and held replies: what was held is delivered, and forwarding goes on. */
    public void heal() {
        synchronized (partitionLock) {
            partitioned = false;
            links.forEach(Link::releaseReplies);
            partitionLock.notifyAll();
        }
    }

    /** Delays each forwarded chunk by {@code delay} (zero: none). */
    public void latency(Duration delay) {
        latencyMs = delay.toMillis();
    }

    @Override
    public void close() {
        closed = true;
        heal();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        links.forEach(Link::reset);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            Link link = new Link(client);
            links.add(link);
            daemon("fault-proxy-" + client.getPort(), link::connect).start();
        }
    }

    private void awaitHealed() throws InterruptedException {
        awaitHealed(null);
    }

    /** Waits out a partition and, for {@code link}'s replies, a hold on them. */
    private void awaitHealed(Link link) throws InterruptedException {
        synchronized (partitionLock) {
            while ((partitioned || link != null && link.holdReplies) && !closed) {
                partitionLock.wait();
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One client connection and its connection to the server. */
    private final class Link {
        private final Socket client;
        private final Socket server = new Socket();
        private volatile boolean dropNextReply;
        private volatile boolean holdReplies;

        Link(Socket client) {
            this.client = client;
        }

        void connect() {
            try {
                awaitHealed();
                server.connect(target, 5_000);
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException | InterruptedException e) {
                reset();
                return;
            }
            daemon("fault-proxy-up-" + client.getPort(), () -> pump(client, server, true)).start();
            pump(server, client, false);
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (latencyMs > 0) {
                        Thread.sleep(latencyMs);
                    }
                    awaitHealed(fromClient ? null : this);
                    if (fromClient) {
                        armIfMatches(buffer, read);
                    } else if (dropNextReply) {
                        droppedReplies.incrementAndGet();
                        reset();
                        return;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other end or a fault closed the connection
            } finally {
                reset();
            }
        }

        private void armIfMatches(byte[] buffer, int length) {
            String command = dropReplyTo.get();
            String request = holdRepliesAfter.get();
            if (command == null && request == null) {
                return;
            }
            String message = new String(buffer, 0, length, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
            if (command != null && message.contains(command) && dropReplyTo.compareAndSet(command, null)) {
                dropNextReply = true;
            }
            if (request != null && message.contains(request) && holdRepliesAfter.compareAndSet(request, null)) {
                holdReplies = true;
                holdingLinks.incrementAndGet();
            }
        }

        /** Lets held replies through; the caller holds the partition lock and wakes the waiters. */
        void releaseReplies() {
            if (holdReplies) {
                holdReplies = false;
                holdingLinks.decrementAndGet();
            }
        }

        void reset() {
            links.remove(this);
            abort(client);
            abort(server);
            // Closed first: a held reply the pump lets go now fails to be written.
            synchronized (partitionLock) {
                releaseReplies();
                partitionLock.notifyAll();
            }
        }

        /** Closes with a TCP RST rather than a FIN, as a failing network or peer would. */
        private void abort(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // not connected yet, or closed meanwhile: a plain close does
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
