package io.streamcrawl.testing;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Answers for a {@link TestSite}'s routes and other test servers: a complete response, and the
 * ways real servers misbehave (slow, trickling, cut off, silent after the head).
 */
public final class Responses {
    private Responses() {}

    /** Sends a complete response with a body. */
    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Holds the calling server thread this long: a slow server, for routes that answer slowly on
     * their own (the wall-clock time is what such a test is about, so this is a sleep).
     */
    public static void hold(Duration delay) {
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Answers 200 with an HTML head and then one byte a second for {@code total}: a body that
     * trickles past a crawler's deadline. Stops when the client hangs up.
     */
    public static void trickle(HttpExchange exchange, Duration total) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            for (long second = 0; second < total.toSeconds(); second++) {
                out.write('<');
                out.flush();
                hold(Duration.ofSeconds(1));
            }
        } catch (IOException hungUp) {
            // the client gave up: that is what a trickle is for
        }
    }

    /** Promises 100 kB, sends 1 kB and closes the connection: a body cut off by a reset. */
    public static void resetMidBody(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(200, 100_000);
        exchange.getResponseBody().write(new byte[1_000]);
        exchange.getResponseBody().flush();
        exchange.close();
    }

    /** Sends a 200 head and then nothing for {@code silence}: a body that never starts. */
    public static void headersThenSilence(HttpExchange exchange, Duration silence) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().flush();
        hold(silence);
    }
}
