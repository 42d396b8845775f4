package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.TaskEvent;
import io.streamcrawl.job.stats.TaskStatsSettings;
import io.streamcrawl.job.url.Hosts;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.StateMigrationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.RedisClient;

/**
 * The host scheduler on RocksDB, as in the job: the order in which a host's queue releases its
 * URLs (within a task, and the turns of the tasks sharing the host), and its keyed state through a snapshot and a restore (robots.txt rules, the seen-set and
 * the queues carry over). The real redis-server only receives the task counters, published when
 * the operator closes.
 */
class HostSchedulerITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final String SPEC = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 0}}";
    private static final String NO_ROBOTS =
            "{\"seeds\": [\"http://a.org/\", \"http://b.org/\"], \"politeness\": {\"delayMs\": 0}, \"robots\": {\"obey\": false}}";

    @Test
    void robotsRulesTheSeenSetAndTheQueuesSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> first = harness(null)) {
            first.processBroadcastElement(TaskEvent.spec("t", SPEC), 0);
            first.processBroadcastElement(TaskEvent.enabled("t", true), 0);
            first.processElement(url("http://a.org/x"), 0);
            first.setProcessingTime(1);
            assertThat(released(first)).containsExactly("ROBOTS http://a.org/robots.txt");

            first.processElement(FrontierEntry.feedback("http://a.org/robots.txt", "t", EntryKind.ROBOTS,
                    HostFeedback.robots(200, null, "User-agent: *\nDisallow: /private\n")), 1);
            first.setProcessingTime(2);
            assertThat(released(first)).containsExactly("PAGE http://a.org/x");

            first.processElement(url("http://a.org/queued"), 2);
            snapshot = first.snapshot(1, 2);
        }

        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> second = harness(snapshot)) {
            second.processElement(url("http://a.org/x"), 3);
            second.processElement(url("http://a.org/private/secret"), 3);
            second.processElement(url("http://a.org/y"), 3);
            second.setProcessingTime(10);

            assertThat(released(second)).as("no robots.txt request, no duplicate, no disallowed URL")
                    .containsExactly("PAGE http://a.org/queued", "PAGE http://a.org/y");
        }
    }

    @Test
    void aTaskReleasesItsUrlsByPriorityThenDepthThenArrivalAndARetryFirstInItsLane() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            harness.processBroadcastElement(TaskEvent.spec("order", NO_ROBOTS), 0);
            harness.processBroadcastElement(TaskEvent.enabled("order", true), 0);
            FrontierEntry retried = url("order", "http://a.org/p0-d1-retried", 1, 0);
            harness.processElement(retried, 0);
            harness.setProcessingTime(1);
            assertThat(released(harness)).containsExactly("PAGE http://a.org/p0-d1-retried");

            harness.processElement(url("order", "http://a.org/p0-d2-a", 2, 0), 1);
            harness.processElement(url("order", "http://a.org/p0-d1-a", 1, 0), 1);
            harness.processElement(url("order", "http://a.org/p5-d3", 3, 5), 1);
            harness.processElement(url("order", "http://a.org/m1-d0", 0, -1), 1);
            harness.processElement(url("order", "http://a.org/p0-d1-b", 1, 0), 1);
            harness.processElement(url("order", "http://a.org/p5-d1", 1, 5), 1);
            harness.processElement(url("order", "http://a.org/p0-d2-b", 2, 0), 1);
            harness.processElement(url("order", "http://a.org/m300-d0", 0, -300), 1);
            harness.processElement(retried.retry(null), 1);
            harness.setProcessingTime(2);

            assertThat(released(harness)).containsExactly(
                    "PAGE http://a.org/p5-d1", "PAGE http://a.org/p5-d3",
                    "PAGE http://a.org/p0-d1-retried", "PAGE http://a.org/p0-d1-a", "PAGE http://a.org/p0-d1-b",
                    "PAGE http://a.org/p0-d2-a", "PAGE http://a.org/p0-d2-b",
                    "PAGE http://a.org/m1-d0", "PAGE http://a.org/m300-d0");
            assertThat(queueSize(harness, "a.org")).isZero();
            checkpoint(harness, 1, 2);
        }
        assertThat(counters("order")).isEqualTo(Map.of("queued.0", "0", "released.0", "9"));
    }

    @Test
    void deletingATaskDropsEveryLaneOfItsQueueAndKeepsTheCountsExact() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            harness.processBroadcastElement(TaskEvent.spec("gone", NO_ROBOTS), 0);
            harness.processBroadcastElement(TaskEvent.spec("kept", NO_ROBOTS), 0);
            harness.processElement(url("gone", "http://a.org/g1", 1, 0), 0);
            harness.processElement(url("gone", "http://a.org/g2", 2, 0), 0);
            harness.processElement(url("gone", "http://a.org/g3", 2, 0), 0);
            harness.processElement(url("gone", "http://a.org/g4", 1, 7), 0);
            harness.processElement(url("gone", "http://b.org/g5", 1, 0), 0);
            harness.processElement(url("kept", "http://a.org/k1", 3, 0), 0);
            harness.processElement(url("kept", "http://a.org/k2", 1, 0), 0);
            harness.setProcessingTime(1);
            assertThat(released(harness)).as("both tasks are disabled").isEmpty();

            harness.processBroadcastElement(TaskEvent.deleted("gone"), 1);
            harness.setProcessingTime(5_000);
            assertThat(released(harness)).isEmpty();
            assertThat(queueSize(harness, "a.org")).isEqualTo(2);
            assertThat(queueSize(harness, "b.org")).isZero();
            snapshot = checkpoint(harness, 1, 5_000);
            assertThat(activeHosts(harness)).as("b.org has nothing queued any more").containsExactly(1L);
        }
        assertThat(counters("gone")).isEqualTo(Map.of("queued.0", "0"));
        assertThat(counters("kept")).isEqualTo(Map.of("queued.0", "2"));

        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> restored = harness(snapshot)) {
            restored.processBroadcastElement(TaskEvent.enabled("kept", true), 5_000);
            restored.setProcessingTime(10_000);
            assertThat(released(restored)).containsExactly("PAGE http://a.org/k2", "PAGE http://a.org/k1");
            checkpoint(restored, 2, 10_000);
            assertThat(activeHosts(restored)).containsExactly(0L);
        }
        assertThat(counters("kept")).isEqualTo(Map.of("queued.0", "0", "released.0", "2"));
    }

    @Test
    void tasksOfEqualSpecPriorityTakeTurnsOnASharedHostAndANewTaskJoinsTheTurns() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            start(harness, 0, "a", "b");
            queue(harness, "a", 4);
            queue(harness, "b", 4);
            runUntil(harness, 250);
            assertThat(released(harness)).as("one release per 100 ms, at 10, 110 and 210 ms")
                    .containsExactly("PAGE http://a.org/a1", "PAGE http://a.org/b1", "PAGE http://a.org/a2");

            start(harness, 0, "c");
            queue(harness, "c", 2);
            runUntil(harness, 10_000);
            assertThat(released(harness)).containsExactly(
                    "PAGE http://a.org/b2", "PAGE http://a.org/c1", "PAGE http://a.org/a3", "PAGE http://a.org/b3",
                    "PAGE http://a.org/c2", "PAGE http://a.org/a4", "PAGE http://a.org/b4");
        }
    }

    @Test
    void aTaskOfHigherSpecPriorityReleasesAllItsReadyUrlsFirstAndTheOthersKeepTheirTurns() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            start(harness, 0, "a", "b");
            queue(harness, "a", 2);
            queue(harness, "b", 2);
            runUntil(harness, 50);
            assertThat(released(harness)).containsExactly("PAGE http://a.org/a1");

            start(harness, 5, "h");
            queue(harness, "h", 3);
            runUntil(harness, 10_000);
            assertThat(released(harness)).as("after h, b has the turn a left it").containsExactly(
                    "PAGE http://a.org/h1", "PAGE http://a.org/h2", "PAGE http://a.org/h3",
                    "PAGE http://a.org/b1", "PAGE http://a.org/a2", "PAGE http://a.org/b2");
        }
    }

    @Test
    void aDisabledTaskIsSkippedWithoutStallingTheTurnsAndResumesWhenEnabled() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            start(harness, 0, "a", "b", "c");
            queue(harness, "a", 3);
            queue(harness, "b", 3);
            queue(harness, "c", 3);
            runUntil(harness, 150);
            assertThat(released(harness)).containsExactly("PAGE http://a.org/a1", "PAGE http://a.org/b1");

            harness.processBroadcastElement(TaskEvent.enabled("b", false), 150);
            runUntil(harness, 10_000);
            assertThat(released(harness)).containsExactly(
                    "PAGE http://a.org/c1", "PAGE http://a.org/a2", "PAGE http://a.org/c2",
                    "PAGE http://a.org/a3", "PAGE http://a.org/c3");
            assertThat(queueSize(harness, "a.org")).isEqualTo(2);

            harness.processBroadcastElement(TaskEvent.enabled("b", true), 10_000);
            runUntil(harness, 20_000);
            assertThat(released(harness)).containsExactly("PAGE http://a.org/b2", "PAGE http://a.org/b3");
        }
    }

    /**
     * The frontier sink writes between checkpoints, so a retry of a release made after the last
     * checkpoint can outlive a failure: after the restore its URL is queued again (the release is
     * undone) and the stale retry must not queue it a second time, nor give back a page of the
     * budget. A retry of a release the restored state holds is taken, once.
     */
    @Test
    void aRetryOfAReleaseUndoneByARestoreQueuesNothingAndRefundsNothing() throws Exception {
        String spec = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 0}, \"robots\": {\"obey\": false},"
                + " \"maxPages\": 3}";
        HostFeedback busy = HostFeedback.of(HostSignal.BUSY, 0, "deferred: host busy");
        OperatorSubtaskState checkpoint;
        List<FrontierEntry> staleRetries = new ArrayList<>();
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> first = harness(null)) {
            first.processBroadcastElement(TaskEvent.spec("stale-retry", spec), 0);
            first.processBroadcastElement(TaskEvent.enabled("stale-retry", true), 0);
            first.processElement(url("stale-retry", "http://a.org/before", 0, 0), 0);
            AtomicLong clock = new AtomicLong();
            List<FetchRequest> inFlight = awaitReleases(first, clock, 1);
            first.processElement(url("stale-retry", "http://a.org/after", 0, 0), clock.get());
            checkpoint = first.snapshot(1, clock.get());

            for (FetchRequest request : awaitReleases(first, clock, 1)) {
                staleRetries.add(request.entry().retry(busy));
            }
            assertThat(staleRetries).extracting(FrontierEntry::url).containsExactly("http://a.org/after");
            for (FetchRequest request : inFlight) {
                staleRetries.add(request.entry().retry(busy));
            }
        }

        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> restored = harness(checkpoint)) {
            // The fetch of "before", in flight at the checkpoint, is deferred again after the restore: two retries of it.
            staleRetries.add(staleRetries.get(1));
            for (FrontierEntry retry : staleRetries) {
                restored.processElement(retry, 2);
            }
            restored.processElement(url("stale-retry", "http://a.org/third", 0, 0), 2);
            restored.processElement(url("stale-retry", "http://a.org/fourth", 0, 0), 2);
            // "fourth" waits for the reservation that finds the budget spent: a grant's wait, longer on a loaded machine.
            long[] now = {10_000};
            await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> {
                restored.setProcessingTime(now[0] += 1_000);
                return queueSize(restored, "a.org") == 0;
            });
            assertThat(released(restored)).as("each once, and no fourth page")
                    .containsExactlyInAnyOrder("PAGE http://a.org/before", "PAGE http://a.org/after", "PAGE http://a.org/third");
        }
    }

    /**
     * A sitemap takes no page of the task's budget nor of its host cap when it is released, so a
     * deferred sitemap coming back must not give one back: that would let one page too many through.
     */
    @Test
    void aDeferredSitemapGivesBackNoPageOfTheBudgetNorOfTheHostCap() throws Exception {
        String limits = "{\"seeds\": [\"http://a.org/\", \"http://b.org/\"], \"politeness\": {\"delayMs\": 0}, \"robots\": {\"obey\": false}, ";
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            harness.processBroadcastElement(TaskEvent.spec("sitemap-budget", limits + "\"maxPages\": 1}"), 0);
            harness.processBroadcastElement(TaskEvent.enabled("sitemap-budget", true), 0);
            harness.processBroadcastElement(TaskEvent.spec("sitemap-cap", limits + "\"maxPagesPerHost\": 1}"), 0);
            harness.processBroadcastElement(TaskEvent.enabled("sitemap-cap", true), 0);
            List<FrontierEntry> sitemaps = new ArrayList<>();
            for (String task : List.of("sitemap-budget", "sitemap-cap")) {
                String origin = task.equals("sitemap-budget") ? "http://a.org" : "http://b.org";
                FrontierEntry sitemap = url(task, origin + "/sitemap.xml", 0, 0).as(EntryKind.SITEMAP);
                sitemaps.add(sitemap);
                harness.processElement(url(task, origin + "/p1", 0, 0), 0);
                harness.processElement(sitemap, 0);
            }
            AtomicLong clock = new AtomicLong();
            assertThat(awaitReleases(harness, clock, 4)).extracting(request -> request.purpose() + " " + request.url())
                    .containsExactlyInAnyOrder("PAGE http://a.org/p1", "SITEMAP http://a.org/sitemap.xml",
                            "PAGE http://b.org/p1", "SITEMAP http://b.org/sitemap.xml");

            for (FrontierEntry sitemap : sitemaps) {
                harness.processElement(sitemap.retry(HostFeedback.of(HostSignal.BUSY, 0, "deferred: host busy")), 1);
                harness.processElement(url(sitemap.task(), sitemap.url().replace("sitemap.xml", "p2"), 0, 0), 1);
            }
            assertThat(awaitReleases(harness, clock, 2)).as("the sitemaps again")
                    .extracting(request -> request.purpose() + " " + request.url())
                    .containsExactlyInAnyOrder("SITEMAP http://a.org/sitemap.xml", "SITEMAP http://b.org/sitemap.xml");
            harness.setProcessingTime(clock.addAndGet(60_000));
            assertThat(released(harness)).as("no second page").isEmpty();
        }
    }

    /**
     * A savepoint can carry a spec accepted by an older build into one whose validation is
     * stricter (here: a depth that is not an integer): its task's URLs wait, the other tasks go on.
     */
    @Test
    void aStoredSpecThatNoLongerParsesLeavesItsUrlsWaitingUntilTheSpecIsWrittenAgain() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            String stale = "{\"seeds\": [\"http://a.org/\"], \"maxDepth\": 1.5, \"robots\": {\"obey\": false}}";
            harness.processBroadcastElement(TaskEvent.spec("stale", stale), 0);
            harness.processBroadcastElement(TaskEvent.enabled("stale", true), 0);
            harness.processBroadcastElement(TaskEvent.spec("fine", NO_ROBOTS), 0);
            harness.processBroadcastElement(TaskEvent.enabled("fine", true), 0);
            harness.processElement(url("stale", "http://a.org/s", 0, 0), 0);
            harness.processElement(url("fine", "http://a.org/f", 0, 0), 0);
            harness.setProcessingTime(1);
            assertThat(released(harness)).containsExactly("PAGE http://a.org/f");
            assertThat(queueSize(harness, "a.org")).isEqualTo(1);

            harness.processBroadcastElement(TaskEvent.spec("stale", NO_ROBOTS), 1);
            harness.setProcessingTime(5_000);
            assertThat(released(harness)).containsExactly("PAGE http://a.org/s");
        }
    }

    @Test
    void theTurnsSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> first = harness(null)) {
            start(first, 0, "a", "b");
            queue(first, "a", 3);
            queue(first, "b", 3);
            runUntil(first, 250);
            assertThat(released(first)).containsExactly("PAGE http://a.org/a1", "PAGE http://a.org/b1", "PAGE http://a.org/a2");
            snapshot = first.snapshot(1, 250);
        }

        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> restored = harness(snapshot)) {
            runUntil(restored, 10_000);
            assertThat(released(restored)).as("b's turn, as before the restore").containsExactly(
                    "PAGE http://a.org/b2", "PAGE http://a.org/a3", "PAGE http://a.org/b3");
        }
    }

    /**
     * Builds before the queue lanes kept one FIFO per task: "queue-bounds" was keyed by the task's
     * name. Flink refuses the changed key serializer when the scheduler registers the state, so a
     * restore from such a savepoint fails instead of losing the queued URLs.
     */
    @Test
    void theQueuesOfABuildWithoutLanesAreRefusedAtRestore() throws Exception {
        OperatorSubtaskState oldSavepoint;
        try (KeyedOneInputStreamOperatorTestHarness<String, String, Void> old = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FifoQueuePerTask()), host -> host, Types.STRING, 128, 1, 0)) {
            old.setStateBackend(new EmbeddedRocksDBStateBackend());
            old.open();
            old.processElement("a.org", 0);
            oldSavepoint = old.snapshot(1, 0);
        }

        assertThatThrownBy(() -> harness(oldSavepoint).close())
                .rootCause().isInstanceOf(StateMigrationException.class)
                .hasMessageContaining("must not be incompatible");
    }

    /** The queue state as the builds before the lanes declared it, with one queued URL's bounds. */
    private static final class FifoQueuePerTask extends KeyedProcessFunction<String, String, Void> {
        private transient MapState<String, QueueBounds> bounds;

        @Override
        public void open(OpenContext openContext) {
            bounds = getRuntimeContext().getMapState(new MapStateDescriptor<>("queue-bounds", String.class, QueueBounds.class));
        }

        @Override
        public void processElement(String host, Context ctx, Collector<Void> out) throws Exception {
            bounds.put("t", new QueueBounds(0, 1));
        }
    }

    @Test
    void anOriginWhoseRobotsTxtStaysUnreachableForTheGiveUpTimeHasItsUrlsDroppedUntilItAnswers() throws Exception {
        // robots.error-ttl 10 min, robots.unreachable-give-up 30 min.
        long start = 1000;
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> first = harness(null)) {
            first.processBroadcastElement(TaskEvent.spec("t", SPEC), 0);
            first.processBroadcastElement(TaskEvent.enabled("t", true), 0);
            first.processElement(url("http://a.org/x"), 0);
            first.processElement(url("http://a.org/y"), 0);
            for (long minutes = 0; minutes <= 10; minutes += 10) {
                assertThat(unreachableRobotsTxt(first, start + minutes(minutes))).as("asked again at %d min", minutes)
                        .containsExactly("ROBOTS http://a.org/robots.txt");
            }
            snapshot = first.snapshot(1, start + minutes(10));
        }

        // The time of the first failure is kept across the restore.
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> second = harness(snapshot)) {
            assertThat(unreachableRobotsTxt(second, start + minutes(20))).containsExactly("ROBOTS http://a.org/robots.txt");
            assertThat(unreachableRobotsTxt(second, start + minutes(30))).containsExactly("ROBOTS http://a.org/robots.txt");
            second.setProcessingTime(start + minutes(30) + 1);
            second.processElement(url("http://a.org/z"), start + minutes(30) + 1);
            second.setProcessingTime(start + minutes(35));
            assertThat(released(second)).as("x and y dropped, z dropped on arrival").isEmpty();

            // A URL that comes once the answer expired asks again; the robots.txt answers now.
            second.processElement(url("http://a.org/w"), start + minutes(41));
            second.setProcessingTime(start + minutes(41));
            assertThat(released(second)).containsExactly("ROBOTS http://a.org/robots.txt");
            second.processElement(FrontierEntry.feedback("http://a.org/robots.txt", "t", EntryKind.ROBOTS,
                    HostFeedback.robots(200, null, "User-agent: *\nAllow: /\n")), start + minutes(41));
            second.setProcessingTime(start + minutes(42));
            assertThat(released(second)).containsExactly("PAGE http://a.org/w");
        }
    }

    /** Lets the host's timer run at {@code now} and answers a robots.txt request it released with a 503. */
    private static List<String> unreachableRobotsTxt(
            KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness, long now) throws Exception {
        harness.setProcessingTime(now);
        List<String> released = released(harness);
        if (!released.isEmpty()) {
            harness.processElement(FrontierEntry.feedback("http://a.org/robots.txt", "t", EntryKind.ROBOTS,
                    HostFeedback.robots(503, null, null)), now);
        }
        return released;
    }

    private static long minutes(long minutes) {
        return Duration.ofMinutes(minutes).toMillis();
    }

    /** A scheduler on RocksDB with the settings of these tests (robots.cache-ttl 24 h), restored from a snapshot unless null. */
    static KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        return harness(restoreFrom, new BackoffSettings(3, Duration.ofSeconds(10), Duration.ofMinutes(10),
                Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofHours(1)));
    }

    /** A scheduler as {@link #harness(OperatorSubtaskState)} with other back-off settings. */
    static KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness(
            OperatorSubtaskState restoreFrom, BackoffSettings backoff) throws Exception {
        String host = REDIS.host();
        int port = REDIS.port();
        HostScheduler scheduler = new HostScheduler(
                new SchedulerSettings(50, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                new RobotsSettings(Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofMinutes(3), Duration.ofMinutes(30)),
                backoff,
                new TaskStatsSettings(() -> RedisClient.create(host, port), "scheduler-test:", Duration.ofMinutes(1)),
                new ControlPlane(ETCD.endpoint(), "/scheduler-test/"), 100);
        KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(scheduler, List.of(HostScheduler.TASKS)),
                        entry -> Hosts.hostOf(entry.url()).orElse(""), Types.STRING, 128, 1, 0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    /** Puts and enables the given tasks on a.org with a spacing of 100 ms and the given spec priority. */
    private static void start(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness,
            int specPriority, String... tasks) throws Exception {
        String spec = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 100}, \"robots\": {\"obey\": false},"
                + " \"priority\": " + specPriority + "}";
        for (String task : tasks) {
            harness.processBroadcastElement(TaskEvent.spec(task, spec), 0);
            harness.processBroadcastElement(TaskEvent.enabled(task, true), 0);
        }
    }

    /** Advances processing time in steps of 10 ms, so that each timer set by a release fires at its time. */
    private static void runUntil(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness,
            long end) throws Exception {
        for (long time = harness.getProcessingTime() + 10; time < end; time += 10) {
            harness.setProcessingTime(time);
        }
        harness.setProcessingTime(end);
    }

    /** Queues http://a.org/{task}1 .. {task}{count} for the task, all of entry priority 0 and depth 0. */
    private static void queue(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness,
            String task, int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            harness.processElement(url(task, "http://a.org/" + task + i, 0, 0), 0);
        }
    }

    private static FrontierEntry url(String url) {
        return url("t", url, 0, 0);
    }

    static FrontierEntry url(String task, String url, int depth, int priority) {
        return new FrontierEntry(url, task, depth, priority, null);
    }

    /** The host's "queue-size" state, which must equal the entries in its lanes. */
    static long queueSize(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness,
            String host) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(host);
        Long size = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("queue-size", Long.class)).value();
        return size == null ? 0 : size;
    }

    /** What the last snapshot recorded as the subtask's hosts with queued URLs (the crawler_hosts_active gauge). */
    private static List<Long> activeHosts(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness)
            throws Exception {
        List<Long> counts = new ArrayList<>();
        harness.getOperator().getOperatorStateBackend()
                .getListState(new ListStateDescriptor<>("hosts-active", Types.LONG)).get().forEach(counts::add);
        return counts;
    }

    /** The task's counters as the scheduler published them to Redis when it closed. */
    /** A task's published counters, without their checkpoint ids (see TaskStatsPublisherITCase). */
    static Map<String, String> counters(String task) {
        try (RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port())) {
            Map<String, String> counters = new HashMap<>(redis.hgetAll("scheduler-test:" + task));
            counters.keySet().removeIf(field -> field.contains("_checkpoint."));
            return counters;
        }
    }

    /** Takes checkpoint {@code id} and completes it: its counters are those published. */
    static OperatorSubtaskState checkpoint(
            KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness, long id, long time)
            throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(id, time);
        harness.notifyOfCompletedCheckpoint(id);
        return snapshot;
    }

    /** The requests released since the last call, as "PURPOSE url". */
    /**
     * The requests released as the harness's clock goes on a second at a time until {@code count}
     * are out: the first of a task with maxPages waits for its budget grant from etcd, which on a
     * loaded machine can take longer than the scheduler waits for it in one tick.
     */
    static List<FetchRequest> awaitReleases(
            KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness, AtomicLong clock,
            int count) {
        await().pollInSameThread().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(30)).until(() -> {
            harness.setProcessingTime(clock.addAndGet(1_000));
            return harness.extractOutputValues().size() >= count;
        });
        List<FetchRequest> released = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return released;
    }

    static List<String> released(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness) {
        List<String> released = harness.extractOutputValues().stream()
                .map(request -> request.purpose() + " " + request.url()).toList();
        harness.getOutput().clear();
        return released;
    }
}
