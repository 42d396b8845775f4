package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.stats.TaskCounters;

import java.util.Set;

import org.junit.jupiter.api.Test;

class HostIntakeTest {
    private static final String SPEC = "{\"seeds\": [\"http://a.org/\"], \"maxPages\": 10, \"maxPagesPerHost\": 5,"
            + " \"politeness\": {\"delayMs\": 0}, \"robots\": {\"obey\": false}}";
    private final MemoryHost host = new MemoryHost();
    private final HostIntake intake = host.intake();
    private final HostReleases releases = host.releases();

    @Test
    void aUrlIsQueuedOncePerTaskAndCountedAsDistinctOnce() throws Exception {
        FrontierEntry url = FrontierEntry.seed("http://a.org/x", "t");

        assertThat(intake.accept(MemoryHost.HOST, url, host.tasks::get, 0)).isTrue();
        assertThat(intake.accept(MemoryHost.HOST, url, host.tasks::get, 1)).as("a duplicate leaves the timer alone").isFalse();
        assertThat(intake.accept(MemoryHost.HOST, FrontierEntry.seed("http://a.org/x", "u"), host.tasks::get, 2)).isTrue();

        assertThat(host.queues.size()).isEqualTo(2);
        assertThat(host.counters.get("t", TaskCounters.QUEUED)).isEqualTo(1);
        assertThat(host.activeHosts).hasValue(1);
        assertThat(host.metrics.newUrls.getCount()).isEqualTo(2);
        assertThat(host.metrics.duplicateUrls.getCount()).isEqualTo(1);
        assertThat(host.sketches.get("t")).containsExactly(url.fingerprint().high());
    }

    @Test
    void aDeferredRetryOfTheLatestReleaseGoesFirstAndGivesBackItsPage() throws Exception {
        host.task("t", SPEC);
        host.grants.left.put("t", 10L);
        intake.accept(MemoryHost.HOST, FrontierEntry.seed("http://a.org/x", "t"), host.tasks::get, 0);
        assertThat(host.tick(releases, 1)).containsExactly("http://a.org/x");
        FetchRequest released = host.released.get(0);
        intake.accept(MemoryHost.HOST, FrontierEntry.seed("http://a.org/y", "t"), host.tasks::get, 2);

        FrontierEntry deferred = released.entry().retry(HostFeedback.of(HostSignal.BUSY, 0, "busy"));
        assertThat(intake.accept(MemoryHost.HOST, deferred, host.tasks::get, 3)).isTrue();
        assertThat(intake.accept(MemoryHost.HOST, deferred, host.tasks::get, 4)).as("a replayed retry is stale").isTrue();

        assertThat(host.metrics.requeuedUrls.getCount()).isEqualTo(1);
        assertThat(host.metrics.staleRetries.getCount()).isEqualTo(1);
        assertThat(host.counters.get("t", TaskCounters.RELEASED)).isZero();
        assertThat(host.counters.get("t", TaskCounters.QUEUED)).isEqualTo(2);
        assertThat(host.grants.left).containsEntry("t", 10L);
        assertThat(host.hostPages.get("t")).isZero();
        QueueLane lane = host.queues.bestLanes().get(0);
        assertThat(host.queues.pop(lane).url()).as("the deferred URL goes first").isEqualTo("http://a.org/x");
    }

    @Test
    void aFailedRetryWaitsForItsDelayInTheHostsRetries() throws Exception {
        host.task("t", SPEC);
        intake.accept(MemoryHost.HOST, FrontierEntry.seed("http://a.org/x", "t"), host.tasks::get, 0);
        host.tick(releases, 1);
        FrontierEntry failed = host.released.get(0).entry()
                .retryAfterFailure(HostFeedback.of(HostSignal.URL_FAILED, 500, null));

        intake.accept(MemoryHost.HOST, failed, host.tasks::get, 10);

        assertThat(host.queues.isEmpty()).isTrue();
        assertThat(host.retries.nextDueAt()).isEqualTo(10 + host.backoff.retryDelayMs(1, -1));
        assertThat(host.counters.get("t", TaskCounters.QUEUED)).isEqualTo(1);
        assertThat(host.activeHosts).hasValue(1);
        assertThat(host.retries.takeDue(Long.MAX_VALUE, Set.of()))
                .containsExactly(new QueuedUrl("http://a.org/x", "t", 0, 0, null, false, 0, 1));
    }

    @Test
    void aRobotsAnswerIsKeptForTheHost() throws Exception {
        TaskSpec obeys = TaskSpecParser.parse("{\"seeds\": [\"http://a.org/\"]}").spec();
        assertThat(host.robots.admit("http://a.org/x", obeys, false, 1_000).verdict()).isEqualTo(HostRobots.Verdict.FETCH_ROBOTS);
        FrontierEntry answer = FrontierEntry.feedback("http://a.org/robots.txt", "t",
                EntryKind.ROBOTS, HostFeedback.robots(200, null, "User-agent: *\nDisallow: /\n"));

        intake.accept(MemoryHost.HOST, answer, host.tasks::get, 1_001);

        assertThat(host.robots.admit("http://a.org/x", obeys, false, 1_002).verdict()).isEqualTo(HostRobots.Verdict.DENIED);
    }
}
