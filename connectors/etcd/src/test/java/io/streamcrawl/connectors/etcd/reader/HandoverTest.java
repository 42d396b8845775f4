package io.streamcrawl.connectors.etcd.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class HandoverTest {
    private static final Duration LONG = Duration.ofMinutes(1);

    @Test
    void offerRespectsCapacityButAddDoesNot() throws Exception {
        Handover<String> handover = new Handover<>(2);

        assertThat(handover.offer("a")).isTrue();
        assertThat(handover.offer("b")).isTrue();
        assertThat(handover.offer("c")).isFalse();
        assertThat(handover.add("control")).isTrue();

        assertThat(handover.pollAll(LONG)).containsExactly("a", "b", "control");
        assertThat(handover.offer("d")).isTrue();
    }

    @Test
    void wakeUpEndsAWaitingPoll() {
        Handover<String> handover = new Handover<>(2);
        CompletableFuture<List<String>> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return handover.pollAll(LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        handover.wakeUp();

        assertThat(poll).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(List.of());
    }

    @Test
    void wakeUpBeforePollIsNotLost() throws Exception {
        Handover<String> handover = new Handover<>(2);
        handover.wakeUp();

        assertThat(handover.pollAll(LONG)).isEmpty();
    }

    @Test
    void closeDropsItemsAndRefusesNewOnes() throws Exception {
        Handover<String> handover = new Handover<>(2);
        handover.offer("a");

        handover.close();

        assertThat(handover.offer("b")).isFalse();
        assertThat(handover.add("c")).isFalse();
        assertThat(handover.pollAll(LONG)).isEmpty();
    }
}
