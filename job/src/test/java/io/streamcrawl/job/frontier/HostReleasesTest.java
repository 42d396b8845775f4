package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.etcd.HostControls;
import io.streamcrawl.job.model.ChangeHint;
import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.stats.TaskCounters;

import org.junit.jupiter.api.Test;

class HostReleasesTest {
    private static final String FAST = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 0}, \"robots\": {\"obey\": false}";
    private final MemoryHost host = new MemoryHost();
    private final HostIntake intake = host.intake();
    private final HostReleases releases = host.releases();

    @Test
    void aTickReleasesTheQueuedUrlsWithTheirTasksSettingsUpToItsLimit() throws Exception {
        host.task("t", FAST + ", \"maxDepth\": 1}");
        int urls = host.settings.releasesPerTick() + 1;
        for (int i = 0; i < urls; i++) {
            accept(FrontierEntry.builder("http://a.org/" + i, "t").depth(i == 0 ? 0 : 1).build());
        }

        assertThat(host.tick(releases, 1)).hasSize(host.settings.releasesPerTick());
        FetchRequest first = host.released.get(0);
        assertThat(first.url()).isEqualTo("http://a.org/0");
        assertThat(first.followLinks()).isTrue();
        assertThat(host.released.get(1).followLinks()).as("at the task's max depth").isFalse();
        assertThat(first.purpose()).isEqualTo(FetchPurpose.PAGE);
        assertThat(first.release()).isNegative();
        assertThat(first.releasedAt()).isEqualTo(1);
        assertThat(host.counters.get("t", TaskCounters.RELEASED)).isEqualTo(host.settings.releasesPerTick());
        assertThat(host.timers).as("the rest goes at once on the next tick").containsExactly(1L);
        assertThat(host.tick(releases, 1)).hasSize(1);
        assertThat(host.activeHosts).hasValue(0);
    }

    @Test
    void aTasksDelaySpacesItsReleasesAndTasksOfEqualPriorityTakeTurns() throws Exception {
        String spaced = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 100}, \"robots\": {\"obey\": false}}";
        host.task("t", spaced);
        host.task("u", spaced);
        for (String task : new String[] {"t", "u"}) {
            accept(FrontierEntry.seed("http://a.org/" + task + "1", task));
            accept(FrontierEntry.seed("http://a.org/" + task + "2", task));
        }

        assertThat(host.tick(releases, 0)).containsExactly("http://a.org/t1");
        assertThat(host.timers).containsExactly(100L);
        assertThat(host.tick(releases, 100)).containsExactly("http://a.org/u1");
        assertThat(host.tick(releases, 200)).containsExactly("http://a.org/t2");
        assertThat(host.tick(releases, 300)).containsExactly("http://a.org/u2");
    }

    @Test
    void urlsOverBudgetOutOfScopeOrOfADeletedTaskAreDroppedAndCounted() throws Exception {
        host.task("budget", FAST + ", \"maxPages\": 1}");
        host.grants.left.put("budget", 1L);
        accept(FrontierEntry.seed("http://a.org/1", "budget"));
        accept(FrontierEntry.seed("http://a.org/2", "budget"));
        host.task("scope", FAST + ", \"maxDepth\": 0}");
        accept(FrontierEntry.builder("http://a.org/deep", "scope").depth(1).build());
        host.tasks.put("gone", new TaskState(null, false, true));
        accept(FrontierEntry.seed("http://a.org/gone", "gone"));

        assertThat(host.tick(releases, 0)).containsExactly("http://a.org/1");

        assertThat(host.metrics.overBudget.getCount()).isEqualTo(1);
        assertThat(host.metrics.droppedUrls.getCount()).isEqualTo(2);
        assertThat(host.queues.isEmpty()).isTrue();
        assertThat(host.counters.get("gone", TaskCounters.QUEUED)).isZero();
    }

    @Test
    void urlsWaitWhileTheirTaskIsDisabledOrHasNoGrantAndTheTimerPolls() throws Exception {
        host.tasks.put("off", new TaskState(FAST + "}", false, false));
        accept(FrontierEntry.seed("http://a.org/off", "off"));
        host.task("t", FAST + ", \"maxPages\": 5}");
        host.grants.available = false;
        accept(FrontierEntry.seed("http://a.org/t", "t"));

        assertThat(host.tick(releases, 0)).isEmpty();
        assertThat(host.timers).containsExactly(host.settings.waitPoll().toMillis());

        host.grants.available = true;
        assertThat(host.tick(releases, host.settings.waitPoll().toMillis())).containsExactly("http://a.org/t");
        assertThat(host.queues.size()).isEqualTo(1);
    }

    @Test
    void aTaskThatObeysRobotsTxtAsksForItFirstAndItsUrlsWait() throws Exception {
        host.task("t", "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 0}}");
        accept(FrontierEntry.seed("http://a.org/x", "t"));

        assertThat(host.tick(releases, 1_000)).containsExactly("http://a.org/robots.txt");
        assertThat(host.released.get(0).purpose()).isEqualTo(FetchPurpose.ROBOTS);
        assertThat(host.metrics.robotsRequests.getCount()).isEqualTo(1);
        assertThat(host.tick(releases, 1_001)).as("waiting for the answer").isEmpty();

        intake.accept(MemoryHost.HOST, FrontierEntry.feedback("http://a.org/robots.txt", "t", EntryKind.ROBOTS,
                HostFeedback.robots(200, null, "User-agent: *\nDisallow: /x\n")), host.tasks::get, 1_002);
        assertThat(host.tick(releases, 1_003)).as("disallowed: dropped").isEmpty();
        assertThat(host.metrics.robotsDenied.getCount()).isEqualTo(1);
        assertThat(host.counters.get("t", TaskCounters.ROBOTS_DISALLOWED)).isEqualTo(1);
        assertThat(host.queues.isEmpty()).isTrue();
    }

    @Test
    void aHostWhoseBreakerStaysOpenIsGivenUpItsUrlsCountedAsGivenUp() throws Exception {
        host.task("t", FAST + "}");
        accept(FrontierEntry.seed("http://a.org/x", "t"));
        accept(FrontierEntry.seed("http://a.org/y", "t"));
        for (int url = 1; url <= host.backoff.failuresToOpen(); url++) {
            host.pacing.apply(MemoryHost.HOST, HostFeedback.of(HostSignal.FAILED, 503, null), url, 1);
        }

        host.tick(releases, 1 + host.backoff.giveUp().toMillis());

        assertThat(host.queues.isEmpty()).isTrue();
        assertThat(host.counters.get("t", TaskCounters.GIVEN_UP)).isEqualTo(2);
        assertThat(host.counters.get("t", TaskCounters.QUEUED)).isZero();
        assertThat(host.metrics.givenUpUrls.getCount()).isEqualTo(2);
        assertThat(host.activeHosts).hasValue(0);
    }

    @Test
    void aRecrawledUrlComesBackToItsQueueWhenDue() throws Exception {
        host.task("t", FAST + ", \"recrawlAfter\": \"PT1M\"}");
        accept(FrontierEntry.seed("http://a.org/x", "t"));
        assertThat(host.tick(releases, 0)).containsExactly("http://a.org/x");

        assertThat(host.tick(releases, 60_000)).containsExactly("http://a.org/x");
        assertThat(host.metrics.recrawled.getCount()).isEqualTo(1);
    }

    @Test
    void aRecrawlSendsWhatTheLastFetchLeftAndComesBackAfterTheAdaptedInterval() throws Exception {
        host.task("t", FAST + ", \"recrawlAfter\": \"PT1M\", \"recrawlMax\": \"PT4M\"}");
        accept(FrontierEntry.seed("http://a.org/x", "t"));
        assertThat(host.tick(releases, 0)).containsExactly("http://a.org/x");
        assertThat(host.released.get(0).validators()).as("a first fetch: nothing to send").isEqualTo(PageValidators.NONE);
        PageValidators left = new PageValidators("\"v1\"", "Mon, 07 Dec 2026 10:00:00 GMT", "sha1:AAAA", 5);
        accept(FrontierEntry.feedback("http://a.org/x", "t", EntryKind.CAPTURE, HostFeedback.capture(200, left, 0)));

        assertThat(host.tick(releases, 60_000)).containsExactly("http://a.org/x");
        assertThat(host.released.get(1).validators()).isEqualTo(left);
        accept(FrontierEntry.feedback("http://a.org/x", "t", EntryKind.CAPTURE, HostFeedback.capture(304, left, 60_000)));

        assertThat(host.tick(releases, 120_000)).as("not modified: twice the interval").isEmpty();
        assertThat(host.tick(releases, 180_000)).containsExactly("http://a.org/x");
    }

    @Test
    void aSitemapThatListsAUrlChangedSinceItsCaptureMakesItsRecrawlDueNow() throws Exception {
        host.task("t", FAST + ", \"recrawlAfter\": \"PT1H\"}");
        accept(FrontierEntry.seed("http://a.org/x", "t"));
        assertThat(host.tick(releases, 0)).containsExactly("http://a.org/x");
        accept(FrontierEntry.feedback("http://a.org/x", "t", EntryKind.CAPTURE,
                HostFeedback.capture(200, new PageValidators(null, null, "sha1:A", 5), 0)));

        boolean moved = intake.accept(MemoryHost.HOST, FrontierEntry.builder("http://a.org/x", "t")
                .change(ChangeHint.of(6, 0)).build(), host.tasks::get, 1_000);

        assertThat(moved).as("the timer is set again").isTrue();
        assertThat(host.tick(releases, 1_000)).containsExactly("http://a.org/x");
    }

    @Test
    void sitemapsAndTasksThatDoNotRecrawlSendNoValidators() throws Exception {
        host.task("t", FAST + "}");
        host.task("r", FAST + ", \"recrawlAfter\": \"PT1M\"}");
        accept(FrontierEntry.seed("http://a.org/x", "t"));
        accept(FrontierEntry.seed("http://a.org/sitemap.xml", "r").as(EntryKind.SITEMAP));

        assertThat(host.tick(releases, 0)).hasSize(2);
        assertThat(host.released).extracting(FetchRequest::validators).containsOnlyNulls();
    }

    @Test
    void aHostBlockedByItsTasksControlsWaitsUntilItsTimeThenKeepsTheControlsSpacing() throws Exception {
        String spec = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 60000}, \"robots\": {\"obey\": false}}";
        String controls = HostControls.NONE.blockedUntil(MemoryHost.HOST, 5_000, 0).delayMs(MemoryHost.HOST, 100L, 0).toJson();
        host.tasks.put("t", new TaskState(spec, true, false, controls));
        accept(FrontierEntry.seed("http://a.org/x", "t"));
        accept(FrontierEntry.seed("http://a.org/y", "t"));

        assertThat(host.tick(releases, 4_999)).as("blocked").isEmpty();
        assertThat(host.tick(releases, 5_000)).containsExactly("http://a.org/x");
        assertThat(host.released.get(0).spacingMs()).as("the host's delay replaces the spec's").isEqualTo(100);
        assertThat(host.tick(releases, 5_100)).containsExactly("http://a.org/y");
    }

    private void accept(FrontierEntry entry) throws Exception {
        intake.accept(MemoryHost.HOST, entry, host.tasks::get, 0);
    }
}
