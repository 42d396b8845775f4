package io.streamcrawl.connectors.etcd.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.connectors.etcd.EtcdWatchSourceOptions;

import java.io.IOException;
import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class EtcdRetryTest {
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    @Test
    void backOffDoublesUpToTheMaximumAndASuccessStartsOver() {
        EtcdRetry retry = new EtcdRetry(config(Duration.ofMinutes(5)));
        RuntimeException cause = new RuntimeException("down");

        assertThat(retry.onFailure(cause)).isEqualTo(Duration.ofMillis(100));
        assertThat(retry.onFailure(cause)).isEqualTo(Duration.ofMillis(200));
        assertThat(retry.onFailure(cause)).isEqualTo(Duration.ofMillis(400));
        assertThat(retry.onFailure(cause)).isEqualTo(Duration.ofMillis(500));
        assertThat(retry.onSuccess()).isEqualTo(4);
        assertThat(retry.onSuccess()).isZero();
        assertThat(retry.onFailure(cause)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void failsOnlyOnceTheOutageOutlastedTheTimeoutNamingTheSourceAndTheCause() throws IOException {
        EtcdRetry retry = new EtcdRetry(config(Duration.ofMillis(300)));
        retry.failIfPastDeadline("source");
        assertThat(retry.timeToDeadline(MAX_WAIT)).isEqualTo(MAX_WAIT);
        IllegalStateException cause = new IllegalStateException("connection refused");
        long start = System.nanoTime();

        retry.onFailure(cause);
        retry.failIfPastDeadline("source");
        assertThat(retry.timeToDeadline(MAX_WAIT)).isPositive().isLessThanOrEqualTo(Duration.ofMillis(301));

        await().atMost(Duration.ofSeconds(10)).until(() -> retry.timeToDeadline(MAX_WAIT).isZero());
        assertThatThrownBy(() -> retry.failIfPastDeadline("etcd watch source of prefix '/p/'"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("etcd watch source of prefix '/p/': etcd unreachable for")
                .hasMessageContaining("after 1 failed attempt(s) (etcd.retry.timeout = PT0.3S)")
                .hasCause(cause);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aSuccessEndsTheOutage() throws IOException {
        EtcdRetry retry = new EtcdRetry(config(Duration.ofMillis(1)));
        retry.onFailure(new RuntimeException("down"));
        await().atMost(Duration.ofSeconds(10)).until(() -> retry.timeToDeadline(MAX_WAIT).isZero());

        retry.onSuccess();

        retry.failIfPastDeadline("source");
        assertThat(retry.timeToDeadline(MAX_WAIT)).isEqualTo(MAX_WAIT);
    }

    private static Configuration config(Duration timeout) {
        Configuration config = new Configuration();
        config.set(EtcdWatchSourceOptions.RETRY_MAX_BACKOFF, Duration.ofMillis(500));
        config.set(EtcdWatchSourceOptions.RETRY_TIMEOUT, timeout);
        return config;
    }
}
