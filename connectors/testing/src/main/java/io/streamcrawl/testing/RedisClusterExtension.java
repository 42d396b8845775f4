package io.streamcrawl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a local Redis Cluster of three masters without replicas (three real redis-server processes
 * with {@code --cluster-enabled yes} on free loopback ports, AOF on, joined by {@code redis-cli
 * --cluster create}) for the tests of one class. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final RedisClusterExtension CLUSTER = new RedisClusterExtension();}</pre>
 *
 * <p>The 16384 slots are split evenly: the first node serves 0-5460, the second 5461-10922, the
 * third 10923-16383.
 */
public final class RedisClusterExtension implements BeforeAllCallback, AfterAllCallback {
    private static final String HOST = "127.0.0.1";
    private static final int MASTERS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<LocalServerProcess> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Integer> busPorts = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        Path dir = LocalServerProcess.freshDataDir("redis-cluster");
        for (int i = 0; i < MASTERS; i++) {
            servers.add(new LocalServerProcess("redis-server", dir.resolve("node-" + i)));
            ports.add(LocalServerProcess.freePort());
            busPorts.add(LocalServerProcess.freePort());
            startServer(i);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        create.addAll(nodes());
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            LocalServerProcess.run(dir, create);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster", e);
        }
        awaitClusterOk();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.forEach(LocalServerProcess::stop);
    }

    /** The nodes as {@code host:port}, in slot order. */
    public List<String> nodes() {
        List<String> nodes = new ArrayList<>();
        ports.forEach(port -> nodes.add(HOST + ":" + port));
        return nodes;
    }

    public String host() {
        return HOST;
    }

    /** The port of the i-th node (0, 1 or 2). */
    public int port(int node) {
        return ports.get(node);
    }

    /** The index of the node that serves the key's slot. */
    public int nodeOf(String key) {
        try {
            int slot = Integer.parseInt(Resp.call(ports.get(0), "CLUSTER", "KEYSLOT", key));
            return slot * MASTERS / 16384;
        } catch (IOException e) {
            throw new UncheckedIOException("CLUSTER KEYSLOT " + key, e);
        }
    }

    /** Stops the i-th node gracefully (SIGTERM, its AOF written); {@link #start(int)} brings it back. */
    public void stop(int node) {
        servers.get(node).stop();
    }

    /**
     * Starts the i-th node again (after {@link #stop(int)}) on the same ports and data (its AOF and
     * nodes.conf, so it rejoins as the same master of the same slots), and waits until the cluster is ok.
     */
    public void start(int node) {
        startServer(node);
        awaitClusterOk();
    }

    private void startServer(int node) {
        LocalServerProcess server = servers.get(node);
        int port = ports.get(node);
        server.start(
                List.of(
                        "--port", String.valueOf(port),
                        "--cluster-port", String.valueOf(busPorts.get(node)),
                        "--bind", HOST,
                        "--dir", server.dataDir().toString(),
                        "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000",
                        "--appendonly", "yes",
                        "--save", "",
                        "--protected-mode", "yes"),
                () -> Resp.answersPing(port));
    }

    /** Waits until every node sees all slots served and every master known. */
    private void awaitClusterOk() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String info = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (int port : ports) {
                try {
                    info = Resp.call(port, "CLUSTER", "INFO");
                } catch (IOException e) {
                    info = e.toString();
                }
                ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + MASTERS);
            }
            if (ok) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster", e);
            }
        }
        throw new IllegalStateException("cluster not ready in " + READY_TIMEOUT + ":\n" + info);
    }
}
