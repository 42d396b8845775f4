package io.streamcrawl.job.fetch;

import io.streamcrawl.testing.Holds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HostGateTest {
    private static final long MS = 1_000_000L;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<String, HostGate.Ticket> tickets = new ConcurrentHashMap<>();
    private HostGate gate;

    @AfterEach
    void closeGate() {
        gate.close();
    }

    @Test
    void runsAtMostTheLimitPerHostAndStartsTheNextWhenOneFinishes() {
        gate = new HostGate(10, Duration.ofSeconds(30));

        submit("a1", "a.org", 2, 0);
        submit("a2", "a.org", 2, 0);
        submit("a3", "a.org", 2, 0);
        submit("b1", "b.org", 1, 0);

        assertThat(events).containsExactly("start a1", "start a2", "start b1");
        assertThat(gate.waiting()).isEqualTo(1);

        tickets.get("a1").finished();

        assertThat(events).containsExactly("start a1", "start a2", "start b1", "start a3");
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void spacesTheStartsOfOneHostsRequests() {
        gate = new HostGate(10, Duration.ofSeconds(30));

        for (int i = 1; i <= 3; i++) {
            submit("a" + i, "a.org", 5, 200 * MS);
        }
        submit("b1", "b.org", 5, 200 * MS);

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 4);
        assertThat(events).containsExactlyInAnyOrder("start a1", "start a2", "start a3", "start b1");
        assertThat(startedAt.get("a2") - startedAt.get("a1")).isGreaterThanOrEqualTo(200 * MS);
        assertThat(startedAt.get("a3") - startedAt.get("a2")).isGreaterThanOrEqualTo(200 * MS);
        assertThat(startedAt.get("b1") - startedAt.get("a1")).isLessThan(200 * MS);
    }

    @Test
    void spacesFromWhenTheRequestWasSentAndWaitsForIt() {
        gate = new HostGate(10, Duration.ofSeconds(30));
        List<HostGate.Ticket> started = new CopyOnWriteArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String name = "a" + i;
            gate.submit("a.org", 5, 100 * MS, ticket -> {
                started.add(ticket);
                events.add("start " + name);
            }, () -> events.add("defer " + name));
        }

        Holds.eventuallyForAtLeast(Duration.ofMillis(300), Duration.ofSeconds(2), () -> events.size() == 1);
        long sentAt = System.nanoTime();
        started.get(0).sent();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);

        assertThat(System.nanoTime() - sentAt).isGreaterThanOrEqualTo(100 * MS);
        assertThat(events).containsExactly("start a1", "start a2");
    }

    @Test
    void defersAtOnceWhenTheHostsQueueIsFull() {
        gate = new HostGate(1, Duration.ofSeconds(30));

        submit("a1", "a.org", 1, 0);
        submit("a2", "a.org", 1, 0);
        submit("a3", "a.org", 1, 0);

        assertThat(events).containsExactly("start a1", "defer a3");
        assertThat(gate.waiting()).isEqualTo(1);
    }

    @Test
    void defersARequestThatWaitedItsBound() {
        gate = new HostGate(10, Duration.ofMillis(300));
        long start = System.nanoTime();

        submit("a1", "a.org", 1, 0);
        submit("a2", "a.org", 1, 0);

        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("defer a2"));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300 * MS);
        assertThat(events).containsExactly("start a1", "defer a2");

        tickets.get("a1").finished();
        submit("a3", "a.org", 1, 0);
        assertThat(events).containsExactly("start a1", "defer a2", "start a3");
    }

    @Test
    void aPauseLongerThanTheBoundDefersAtOnceAndAShortOneDelays() {
        gate = new HostGate(10, Duration.ofSeconds(1));

        gate.pause("a.org", Duration.ofSeconds(10));
        submit("a1", "a.org", 1, 0);
        assertThat(events).containsExactly("defer a1");

        long start = System.nanoTime();
        gate.pause("b.org", Duration.ofMillis(200));
        submit("b1", "b.org", 1, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start b1"));
        assertThat(startedAt.get("b1") - start).isGreaterThanOrEqualTo(200 * MS);
    }

    /** Submits a request that is sent as soon as it starts and runs until the test finishes it. */
    private void submit(String name, String host, int limit, long spacingNanos) {
        gate.submit(host, limit, spacingNanos, ticket -> {
            tickets.put(name, ticket);
            startedAt.put(name, System.nanoTime());
            events.add("start " + name);
            ticket.sent();
        }, () -> events.add("defer " + name));
    }
}
