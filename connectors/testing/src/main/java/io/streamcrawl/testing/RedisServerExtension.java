package io.streamcrawl.testing;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real redis-server on a free loopback port with a fresh data directory (AOF on) for
 * the tests of one class. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();}</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final String HOST = "127.0.0.1";

    private LocalServerProcess server;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new LocalServerProcess("redis-server", LocalServerProcess.freshDataDir("redis"));
        port = LocalServerProcess.freePort();
        start();
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

    private void start() {
        server.start(
                List.of(
                        "--port", String.valueOf(port),
                        "--bind", HOST,
                        "--dir", server.dataDir().toString(),
                        "--appendonly", "yes",
                        "--appendfsync", "everysec",
                        "--save", "",
                        "--protected-mode", "yes"),
                () -> Resp.answersPing(port));
    }
}
