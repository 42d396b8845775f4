package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.control.ControlPlane;
import io.streamcrawl.job.control.TaskEvent;
import io.streamcrawl.job.fetch.FetchRequest;
import io.streamcrawl.job.stats.TaskStatsConfig;
import io.streamcrawl.job.url.Hosts;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.RedisClient;

/**
 * The host scheduler's keyed state through a snapshot and a restore: robots.txt rules, the
 * seen-set and the queues carry over (the real redis-server only receives the task counters).
 */
class HostSchedulerITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final String SPEC = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 0}}";

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

    private static KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        String host = REDIS.host();
        int port = REDIS.port();
        HostScheduler scheduler = new HostScheduler(
                new SchedulerSettings(50, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                new RobotsSettings(Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofMinutes(3), Duration.ofMinutes(30)),
                new BackoffSettings(3, Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofHours(1)),
                new TaskStatsConfig(() -> RedisClient.create(host, port), "scheduler-test:", Duration.ofMinutes(1)),
                new ControlPlane(ETCD.endpoint(), "/scheduler-test/"), 100);
        KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(scheduler, List.of(HostScheduler.TASKS)),
                        entry -> Hosts.hostOf(entry.url()).orElse(""), Types.STRING, 128, 1, 0);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static FrontierEntry url(String url) {
        return new FrontierEntry(url, "t", 0, 0, null);
    }

    /** The requests released since the last call, as "PURPOSE url". */
    private static List<String> released(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness) {
        List<String> released = harness.extractOutputValues().stream()
                .map(request -> request.purpose() + " " + request.url()).toList();
        harness.getOutput().clear();
        return released;
    }
}
