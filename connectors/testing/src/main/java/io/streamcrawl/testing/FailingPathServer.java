package io.streamcrawl.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server whose paths fail the ways a web server alone cannot make them fail,
 * for the messy site of {@code scripts/bench.sh --messy} (nginx proxies these paths to it and
 * serves the plain 500, 502 and 503 itself). Every path under a prefix behaves alike:
 * <ul>
 *   <li>{@code /messy/reset/...}: a 200 head promising 100 kB, 1 kB of body, then the connection closes;
 *   <li>{@code /messy/silent/...}: a 200 head, then nothing for {@code --hold-ms};
 *   <li>{@code /messy/drip/...}: a 200 head, then one byte a second for {@code --hold-ms};
 *   <li>{@code /messy/429/...}: 429 with {@code Retry-After: --retry-after-s} the first time a
 *       path is asked for, a small page after that (a server that asked for a pause, then answers).
 * </ul>
 */
public final class FailingPathServer {
    private FailingPathServer() {}

    /** Serves until the process is killed: {@code --port P --hold-ms H --retry-after-s R}. */
    public static void main(String[] args) throws IOException {
        int port = 0;
        Duration hold = Duration.ofSeconds(3);
        int retryAfterSeconds = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--port" -> port = value;
                case "--hold-ms" -> hold = Duration.ofMillis(value);
                case "--retry-after-s" -> retryAfterSeconds = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        HttpServer server = start(port, hold, retryAfterSeconds);
        System.out.println("serving failing paths at http://127.0.0.1:" + server.getAddress().getPort() + "/messy/");
    }

    /**
     * Starts serving on 127.0.0.1 ({@code port} 0: a free one); silent and dripping answers last
     * {@code hold}. The caller stops the server.
     */
    public static HttpServer start(int port, Duration hold, int retryAfterSeconds) throws IOException {
        String retryAfter = Integer.toString(retryAfterSeconds);
        Set<String> askedToWait = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        // Silent and dripping answers hold a thread each for the whole hold: no fixed pool.
        server.setExecutor(Executors.newCachedThreadPool());
        context(server, "/messy/reset/", Responses::resetMidBody);
        context(server, "/messy/silent/", exchange -> Responses.headersThenSilence(exchange, hold));
        context(server, "/messy/drip/", exchange -> Responses.trickle(exchange, hold));
        context(server, "/messy/429/", exchange -> {
            if (askedToWait.add(exchange.getRequestURI().getPath())) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
                Responses.send(exchange, 429, "text/plain", "slow down");
            } else {
                Responses.send(exchange, 200, "text/html", "<title>answered</title>");
            }
        });
        server.start();
        return server;
    }

    private static void context(HttpServer server, String prefix, TestSite.Route route) {
        server.createContext(prefix, exchange -> {
            try (exchange) {
                route.handle(exchange);
            }
        });
    }
}
