package io.streamcrawl.connectors.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.api.connector.source.Boundedness;
import org.junit.jupiter.api.Test;

class EtcdWatchSourceBuilderTest {

    @Test
    void buildsAnUnboundedSourceForThePrefix() {
        EtcdWatchSource source = EtcdWatchSource.builder()
                .setEndpoints("http://127.0.0.1:23790, http://127.0.0.1:23791")
                .setPrefix("/streamcrawl/tasks/")
                .build();

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(source.prefix()).isEqualTo("/streamcrawl/tasks/");
    }

    @Test
    void requiresEndpoints() {
        assertThatThrownBy(() -> EtcdWatchSource.builder().setPrefix("/p/").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no etcd endpoints");
        assertThatThrownBy(() -> EtcdWatchSource.builder().setEndpoints(" , ").setPrefix("/p/").build())
                .hasMessageContaining("no etcd endpoints");
    }

    @Test
    void namesTheBadEndpoint() {
        assertThatThrownBy(() -> EtcdWatchSource.builder().setEndpoints("127.0.0.1:2379").setPrefix("/p/").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'127.0.0.1:2379'");
        assertThatThrownBy(() -> EtcdWatchSource.builder().setEndpoints("http://localhost").setPrefix("/p/").build())
                .hasMessageContaining("'http://localhost'")
                .hasMessageContaining("port");
    }

    @Test
    void rejectsMissingOrEmptyPrefix() {
        assertThatThrownBy(() -> EtcdWatchSource.builder().setEndpoints("http://127.0.0.1:2379").build())
                .hasMessageContaining("no key prefix");
        assertThatThrownBy(() -> EtcdWatchSource.builder().setEndpoints("http://127.0.0.1:2379").setPrefix("").build())
                .hasMessageContaining("must not be empty");
    }

    @Test
    void namesTheBadOption() {
        assertThatThrownBy(() -> EtcdWatchSource.builder()
                        .setEndpoints("http://127.0.0.1:2379")
                        .setPrefix("/p/")
                        .set(EtcdWatchSourceOptions.SNAPSHOT_PAGE_SIZE, 0)
                        .build())
                .hasMessageContaining("etcd.snapshot.page-size")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> EtcdWatchSource.builder()
                        .setEndpoints("http://127.0.0.1:2379")
                        .setPrefix("/p/")
                        .set(EtcdWatchSourceOptions.RETRY_MAX_BACKOFF, Duration.ofMillis(10))
                        .build())
                .hasMessageContaining("etcd.retry.max-backoff");
        assertThatThrownBy(() -> EtcdWatchSource.builder()
                        .setEndpoints("http://127.0.0.1:2379")
                        .setPrefix("/p/")
                        .set(EtcdWatchSourceOptions.RETRY_TIMEOUT, Duration.ZERO)
                        .build())
                .hasMessageContaining("etcd.retry.timeout");
    }
}
