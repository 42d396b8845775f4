package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each prefix of the failing-path server fails as the messy benchmark needs it to. */
class FailingPathServerTest {
    private static final Duration HOLD = Duration.ofSeconds(2);

    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = FailingPathServer.start(0, HOLD, 3);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aResetCutsTheBodyItPromised() throws Exception {
        HttpURLConnection connection = open("/messy/reset/1");
        assertThat(connection.getResponseCode()).isEqualTo(200);
        assertThat(connection.getContentLengthLong()).isEqualTo(100_000);
        HttpRequest request = HttpRequest.newBuilder(connection.getURL().toURI()).build();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("100000");
    }

    @Test
    void aSilentAnswerSendsItsHeadAndThenNothing() throws IOException {
        HttpURLConnection connection = open("/messy/silent/1");
        assertThat(connection.getResponseCode()).isEqualTo(200);
        try (InputStream body = connection.getInputStream()) {
            assertThatThrownBy(body::read).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aDripSendsOneByteAndThenWaits() throws IOException {
        HttpURLConnection connection = open("/messy/drip/1");
        assertThat(connection.getResponseCode()).isEqualTo(200);
        try (InputStream body = connection.getInputStream()) {
            assertThat(body.read()).isEqualTo('<');
            assertThatThrownBy(body::read).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void a429AsksOncePerPathToWaitAndThenAnswers() throws IOException {
        HttpURLConnection first = open("/messy/429/1");
        assertThat(first.getResponseCode()).isEqualTo(429);
        assertThat(first.getHeaderField("Retry-After")).isEqualTo("3");
        assertThat(open("/messy/429/1").getResponseCode()).isEqualTo(200);
        assertThat(open("/messy/429/2").getResponseCode()).isEqualTo(429);
    }

    /** A GET whose reads give up well within the server's hold. */
    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(
                "http://127.0.0.1:" + server.getAddress().getPort() + path).toURL().openConnection();
        connection.setReadTimeout((int) HOLD.toMillis() / 4);
        return connection;
    }
}
