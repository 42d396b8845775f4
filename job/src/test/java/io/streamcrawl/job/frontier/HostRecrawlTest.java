package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.frontier.HostQueuesTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostRecrawlTest {
    private static final long SCAN = 1_000;
    private final HostRecrawl recrawl = new HostRecrawl(new MemoryMapState<>(), new MemoryValueState<>(), SCAN);

    @Test
    void dueUrlsComeBackAtMostOncePerScanInterval() throws Exception {
        QueuedUrl a = url("t", "a", 0, 0);
        QueuedUrl b = url("t", "b", 0, 0);
        recrawl.schedule(a.fingerprint(), a, 500);
        recrawl.schedule(b.fingerprint(), b, 700);

        assertThat(recrawl.nextScanAt()).isEqualTo(500);
        assertThat(recrawl.takeDue(499)).isEmpty();
        assertThat(recrawl.takeDue(500)).containsExactly(a);
        assertThat(recrawl.nextScanAt()).as("b is due at 700, the next scan no sooner than 500 + SCAN").isEqualTo(1_500);
        assertThat(recrawl.scanDue(1_000)).isFalse();
        assertThat(recrawl.takeDue(1_500)).containsExactly(b);
        assertThat(recrawl.nextScanAt()).isNull();
    }

    @Test
    void aUrlPlannedAgainReplacesItsEarlierPlan() throws Exception {
        QueuedUrl a = url("t", "a", 0, 0);
        recrawl.schedule(a.fingerprint(), a, 500);
        recrawl.schedule(a.fingerprint(), a.recrawl(), 900);

        assertThat(recrawl.takeDue(500)).isEmpty();
        assertThat(recrawl.takeDue(1_500)).containsExactly(a);
    }
}
