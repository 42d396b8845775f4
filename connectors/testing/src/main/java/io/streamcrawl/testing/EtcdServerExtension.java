package io.streamcrawl.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real single-member etcd on free loopback ports with a fresh data directory for the
 * tests of one class. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();}</pre>
 */
public final class EtcdServerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final String HOST = "127.0.0.1";
    private static final HttpClient HEALTH_CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private LocalServerProcess server;
    private int clientPort;
    private int peerPort;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new LocalServerProcess("etcd", LocalServerProcess.freshDataDir("etcd"));
        clientPort = LocalServerProcess.freePort();
        peerPort = LocalServerProcess.freePort();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    /** The client endpoint, e.g. {@code http://127.0.0.1:40123}, as jetcd and etcdctl take it. */
    public String endpoint() {
        return "http://" + HOST + ":" + clientPort;
    }

    /** Stops etcd gracefully and starts it again on the same ports and data. */
    public void restart() {
        stop();
        start();
    }

    /** Stops etcd gracefully; {@link #start()} brings it back on the same ports and data. */
    public void stop() {
        server.stop();
    }

    /** Starts the stopped etcd again and waits until it is healthy. */
    public void start() {
        String peer = "http://" + HOST + ":" + peerPort;
        server.start(
                List.of(
                        "--name", "default",
                        "--data-dir", server.dataDir().resolve("data").toString(),
                        "--listen-client-urls", endpoint(),
                        "--advertise-client-urls", endpoint(),
                        "--listen-peer-urls", peer,
                        "--initial-advertise-peer-urls", peer,
                        "--initial-cluster", "default=" + peer,
                        "--log-level", "warn"),
                this::healthy);
    }

    private boolean healthy() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                .timeout(Duration.ofSeconds(1))
                .build();
        try {
            HttpResponse<String> response = HEALTH_CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
