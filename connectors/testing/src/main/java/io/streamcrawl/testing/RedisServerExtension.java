package io.streamcrawl.testing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real redis-server on a free loopback port with a fresh data directory (AOF on) for
 * the tests of one class. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();}</pre>
 *
 * <p>{@link #withTls()} makes a server that also listens with TLS on {@link #tlsPort()}.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final String HOST = "127.0.0.1";

    private final boolean tls;
    private LocalServerProcess server;
    private int port;
    private int tlsPort;
    private TlsCertificates certificates;

    public RedisServerExtension() {
        this(false);
    }

    private RedisServerExtension(boolean tls) {
        this.tls = tls;
    }

    /**
     * A server that also listens with TLS on {@link #tlsPort()} with certificates made for the
     * test ({@link #certificates()}), and requires a client certificate there (Redis' default).
     * The plain {@link #port()} stays open for the test's own checks.
     */
    public static RedisServerExtension withTls() {
        return new RedisServerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalServerProcess.startOnFreePorts(() -> {
            server = new LocalServerProcess("redis-server", LocalServerProcess.freshDataDir("redis"));
            port = LocalServerProcess.freePort();
            if (tls) {
                tlsPort = LocalServerProcess.freePort();
                certificates = TlsCertificates.generate(server.dataDir().resolve("tls"));
            }
            start();
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The TLS port of a server made by {@link #withTls()}. */
    public int tlsPort() {
        checkTls();
        return tlsPort;
    }

    /** The certificates of a server made by {@link #withTls()}. */
    public TlsCertificates certificates() {
        checkTls();
        return certificates;
    }

    /** The server's address as a {@code redis://} URI. */
    public String uri() {
        return "redis://" + HOST + ":" + port;
    }

    /** Stops the server gracefully and starts it again on the same port and data (AOF replay). */
    public void restart() {
        server.stop();
        start();
    }

    /** Kills the server (SIGKILL) and starts it again on the same port and data. */
    public void crashAndRestart() {
        server.kill();
        start();
    }

    /** Stops the server gracefully (SIGTERM); {@link #start()} brings it back. */
    public void stop() {
        server.stop();
    }

    /** Starts the server (again, after {@link #stop()}) on the same port and data, and waits until it answers. */
    public void start() {
        List<String> args = new ArrayList<>(List.of(
                "--port", String.valueOf(port),
                "--bind", HOST,
                "--dir", server.dataDir().toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
                "--protected-mode", "yes"));
        if (tls) {
            args.addAll(List.of(
                    "--tls-port", String.valueOf(tlsPort),
                    "--tls-cert-file", certificates.serverCertificate().toString(),
                    "--tls-key-file", certificates.serverKey().toString(),
                    "--tls-ca-cert-file", certificates.caCertificate().toString(),
                    "--tls-auth-clients", "yes"));
        }
        server.start(args, () -> Resp.answersPing(port));
    }

    private void checkTls() {
        if (!tls) {
            throw new IllegalStateException("this redis-server has no TLS port: use RedisServerExtension.withTls()");
        }
    }
}
