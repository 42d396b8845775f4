package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.frontier.HostQueuesTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostTimerTest {
    private final MemoryHost host = new MemoryHost();

    @Test
    void aHostKeepsOneTimerMovedEarlierNeverLater() throws Exception {
        host.timer.scheduleAt(host.timerService, 500);
        host.timer.scheduleAt(host.timerService, 700);
        host.timer.scheduleAt(host.timerService, 300);

        assertThat(host.timers).containsExactly(300L);
    }

    @Test
    void theTimerIsForTheNextReleaseTheNextPollOrForgettingAnIdleHost() throws Exception {
        host.timer.scheduleNext(host.timerService, 100, false);
        assertThat(host.timers).as("idle: forget what lapsed after the robots.txt cache time")
                .containsExactly(100 + host.robots.idleKeepMs());

        host.timer.fired();
        host.timers.clear();
        host.backlog.push(url("t", "a", 0, 0));
        host.pacing.released(100, 250);
        host.timer.scheduleNext(host.timerService, 100, false);
        assertThat(host.timers).as("the host's next release").containsExactly(350L);

        host.timer.fired();
        host.timers.clear();
        host.timer.scheduleNext(host.timerService, 400, true);
        assertThat(host.timers).as("the URLs wait for their task: a poll").containsExactly(400 + host.settings.waitPoll().toMillis());
    }

    @Test
    void aRetryOrARecrawlSetsTheTimerForWhenItIsDue() throws Exception {
        host.backlog.awaitRetry(url("t", "a", 0, 0), 900);
        QueuedUrl b = url("t", "b", 0, 0);
        host.recrawl.schedule(b.fingerprint(), b, 600);

        host.timer.scheduleNext(host.timerService, 100, false);

        assertThat(host.timers).containsExactly(600L);
    }
}
