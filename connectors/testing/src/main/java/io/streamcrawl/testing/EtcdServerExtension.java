package io.streamcrawl.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real single-member etcd on free loopback ports with a fresh data directory for the
 * tests of one class. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();}</pre>
 *
 * <p>{@link #withTls()} serves clients over TLS only and requires a client certificate;
 * {@link #withAuth()} enables etcd's authentication with a {@link #ROOT_USER}; both may be combined
 * ({@link #withTlsAndAuth()}). Health is checked on a separate plain-text metrics port either way.
 */
public final class EtcdServerExtension implements BeforeAllCallback, AfterAllCallback {
    /** The user that {@link #withAuth()} creates, with password {@link #ROOT_PASSWORD}. */
    public static final String ROOT_USER = "root";
    public static final String ROOT_PASSWORD = "etcd-Root-pa55";

    private static final String HOST = "127.0.0.1";
    private static final HttpClient HEALTH_CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final boolean tls;
    private final boolean auth;
    private LocalServerProcess server;
    private TlsCertificates certificates;
    private int clientPort;
    private int peerPort;
    private int metricsPort;

    public EtcdServerExtension() {
        this(false, false);
    }

    private EtcdServerExtension(boolean tls, boolean auth) {
        this.tls = tls;
        this.auth = auth;
    }

    /**
     * An etcd that serves clients only over TLS ({@code https://localhost:port}) with certificates
     * made for the test ({@link #certificates()}), and requires a client certificate signed by its
     * authority ({@code --client-cert-auth}).
     */
    public static EtcdServerExtension withTls() {
        return new EtcdServerExtension(true, false);
    }

    /** An etcd with authentication enabled: {@link #ROOT_USER} / {@link #ROOT_PASSWORD}, nobody else. */
    public static EtcdServerExtension withAuth() {
        return new EtcdServerExtension(false, true);
    }

    /** {@link #withTls()} and {@link #withAuth()} at once. */
    public static EtcdServerExtension withTlsAndAuth() {
        return new EtcdServerExtension(true, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalServerProcess.startOnFreePorts(() -> {
            server = new LocalServerProcess("etcd", LocalServerProcess.freshDataDir("etcd"));
            clientPort = LocalServerProcess.freePort();
            peerPort = LocalServerProcess.freePort();
            metricsPort = LocalServerProcess.freePort();
            if (tls) {
                certificates = TlsCertificates.generate(server.dataDir().resolve("tls"));
            }
            start();
        });
        if (auth) {
            // Kept in the data directory: a restarted etcd still requires it.
            etcdctl("user", "add", ROOT_USER + ":" + ROOT_PASSWORD);
            etcdctl("auth", "enable");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    /**
     * The client endpoint as jetcd and etcdctl take it, e.g. {@code http://127.0.0.1:40123}; with
     * TLS {@code https://localhost:40123}, the name the server's certificate holds.
     */
    public String endpoint() {
        return tls ? "https://localhost:" + clientPort : "http://" + HOST + ":" + clientPort;
    }

    /** The loopback port etcd serves clients on, e.g. for a {@link FaultProxy} in front of it. */
    public int port() {
        return clientPort;
    }

    /** The certificates of an etcd made by {@link #withTls()}. */
    public TlsCertificates certificates() {
        if (!tls) {
            throw new IllegalStateException("this etcd has no TLS: use EtcdServerExtension.withTls()");
        }
        return certificates;
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
        List<String> args = new ArrayList<>(List.of(
                "--name", "default",
                "--data-dir", server.dataDir().resolve("data").toString(),
                "--listen-client-urls", (tls ? "https://" : "http://") + HOST + ":" + clientPort,
                "--advertise-client-urls", endpoint(),
                "--listen-metrics-urls", metricsUrl(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "default=" + peer,
                "--log-level", "warn"));
        if (tls) {
            args.addAll(List.of(
                    "--cert-file", certificates.serverCertificate().toString(),
                    "--key-file", certificates.serverKey().toString(),
                    "--trusted-ca-file", certificates.caCertificate().toString(),
                    "--client-cert-auth"));
        }
        server.start(args, this::healthy);
    }

    private String metricsUrl() {
        return "http://" + HOST + ":" + metricsPort;
    }

    /** Runs etcdctl against this etcd (with the client certificate when it has TLS). */
    private void etcdctl(String... command) {
        List<String> args = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoint()));
        if (tls) {
            args.addAll(List.of(
                    "--cacert", certificates.caCertificate().toString(),
                    "--cert", certificates.clientCertificate().toString(),
                    "--key", certificates.clientKey().toString()));
        }
        args.addAll(List.of(command));
        try {
            LocalServerProcess.run(server.dataDir(), args);
        } catch (IOException e) {
            throw new UncheckedIOException("etcdctl " + String.join(" ", command) + " failed", e);
        }
    }

    private boolean healthy() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(metricsUrl() + "/health"))
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
