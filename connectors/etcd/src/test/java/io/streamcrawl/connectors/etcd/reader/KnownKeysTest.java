package io.streamcrawl.connectors.etcd.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KnownKeysTest {

    @Test
    void readReportsNewAndChangedKeysAndReturnsTheGoneOnesInKeyOrder() {
        KnownKeys known = new KnownKeys(Map.of("/p/a", 3L, "/p/b", 4L, "/p/c", 5L, "/p/d", 6L));

        known.startRead();

        assertThat(known.found("/p/b", 4L)).as("unchanged").isFalse();
        assertThat(known.found("/p/c", 9L)).as("changed").isTrue();
        assertThat(known.found("/p/e", 10L)).as("new").isTrue();
        assertThat(known.endRead()).containsExactly("/p/a", "/p/d");

        known.startRead();
        assertThat(known.found("/p/c", 9L)).isFalse();
        assertThat(known.found("/p/e", 10L)).isFalse();
        assertThat(known.endRead()).containsExactly("/p/b");
    }

    @Test
    void watchEventsChangeWhatTheNextReadComparesWith() {
        KnownKeys known = new KnownKeys(Map.of("/p/a", 3L));
        known.apply(EtcdKeyEvent.put("/p/b", "2", 4L));
        known.apply(EtcdKeyEvent.delete("/p/a", 5L));

        known.startRead();

        assertThat(known.found("/p/a", 3L)).as("deleted since, so news again").isTrue();
        assertThat(known.found("/p/b", 4L)).isFalse();
        assertThat(known.endRead()).isEmpty();
    }

    @Test
    void readRestartedAfterItsPagesWereReportedComparesWithThem() {
        KnownKeys known = new KnownKeys(Map.of("/p/a", 3L, "/p/z", 4L));
        known.startRead();
        assertThat(known.found("/p/b", 7L)).isTrue();

        // The read was compacted away and starts over at a newer revision.
        known.startRead();

        assertThat(known.found("/p/b", 7L)).isFalse();
        assertThat(known.endRead()).containsExactly("/p/a", "/p/z");
    }

    @Test
    void afterForgettingRevisionsEveryKeyFoundIsNews() {
        KnownKeys known = new KnownKeys(Map.of("/p/a", 3L, "/p/b", 4L));
        known.forgetRevisions();
        known.startRead();

        assertThat(known.found("/p/a", 3L)).isTrue();
        assertThat(known.endRead()).containsExactly("/p/b");
    }

    @Test
    void foundOutsideAReadIsAnError() {
        KnownKeys known = new KnownKeys(Map.of());

        assertThatThrownBy(() -> known.found("/p/a", 1L)).isInstanceOf(IllegalStateException.class);
    }
}
