package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.frontier.HostSchedulerITCase.harness;
import static io.streamcrawl.job.frontier.HostSchedulerITCase.released;
import static io.streamcrawl.job.frontier.HostSchedulerITCase.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.TaskEvent;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The keyed state a host keeps once it goes quiet, on RocksDB as in the job (robots.cache-ttl
 * 24 h): until its cleanup time everything stays, at that time only what keeps its meaning is
 * left, and a URL that arrives later finds the host as a new one. Uses the harness of
 * {@link HostSchedulerITCase} (its real Redis and etcd).
 */
class HostStateCleanupITCase {
    // The harness's servers, started for this class too: it must not depend on running after HostSchedulerITCase.
    @RegisterExtension static final RedisServerExtension REDIS = HostSchedulerITCase.REDIS;
    @RegisterExtension static final EtcdServerExtension ETCD = HostSchedulerITCase.ETCD;
    private static final long DAY = Duration.ofHours(24).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** Every keyed state the scheduler declares. */
    private static final List<String> STATES = List.of("seen", "queue-bounds", "queue", "queue-size", "next-fetch-at",
            "backoff", "timer-at", "turns", "robots", "host-pages", "recrawl", "recrawl-plans", "recrawl-next-scan",
            "retries", "retry-task-next-due", "retry-next-due");
    private static final String CAPPED = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 100},"
            + " \"maxPagesPerHost\": 10}";

    @Test
    void aQuietHostKeepsOnlyItsSeenSetAndPageCountsAfterItsCleanupTimeAcrossARestore() throws Exception {
        // The last URL goes at 201 ms: the host is idle from then, its cleanup is a cache TTL later.
        long cleanup = 201 + DAY;
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> first = harness(null)) {
            for (String task : List.of("t", "u")) {
                first.processBroadcastElement(TaskEvent.spec(task, CAPPED), 0);
                first.processBroadcastElement(TaskEvent.enabled(task, true), 0);
            }
            first.processElement(url("t", "http://a.org/x", 0, 0), 0);
            first.processElement(url("u", "http://a.org/y", 0, 0), 0);
            first.setProcessingTime(1);
            assertThat(released(first)).containsExactly("ROBOTS http://a.org/robots.txt");
            first.processElement(FrontierEntry.feedback("http://a.org/robots.txt", "t", EntryKind.ROBOTS,
                    HostFeedback.robots(200, null, "User-agent: *\nAllow: /\n")), 1);
            first.setProcessingTime(101);
            first.setProcessingTime(201);
            assertThat(released(first)).containsExactly("PAGE http://a.org/y", "PAGE http://a.org/x");
            first.processElement(FrontierEntry.feedback("http://a.org/x", "t", EntryKind.HOST,
                    HostFeedback.of(HostSignal.FAILED, 503, null)), 201);

            first.setProcessingTime(cleanup - 1);
            assertThat(statesOf(first, "a.org")).as("nothing forgotten before the cleanup time").containsExactly(
                    "backoff", "host-pages", "next-fetch-at", "queue-size", "robots", "seen", "timer-at", "turns");
            assertThat(first.numProcessingTimeTimers()).isEqualTo(1);
            snapshot = first.snapshot(1, cleanup - 1);
        }

        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> restored = harness(snapshot)) {
            restored.setProcessingTime(cleanup - 1);
            assertThat(restored.numProcessingTimeTimers()).as("the cleanup timer is restored").isEqualTo(1);
            restored.setProcessingTime(cleanup);
            assertThat(statesOf(restored, "a.org")).containsExactly("host-pages", "seen");
            assertThat(restored.numProcessingTimeTimers()).isZero();

            restored.processElement(url("t", "http://a.org/x", 0, 0), cleanup + 1);
            restored.processElement(url("t", "http://a.org/z", 0, 0), cleanup + 1);
            restored.setProcessingTime(cleanup + 2);
            assertThat(released(restored)).as("robots.txt asked again, x still seen")
                    .containsExactly("ROBOTS http://a.org/robots.txt");
            assertThat(restored.numProcessingTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void aHostQuietForLessThanTheCacheTtlKeepsItsRobotsTxtUntilItExpires() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            harness.processBroadcastElement(TaskEvent.spec("t", CAPPED), 0);
            harness.processBroadcastElement(TaskEvent.enabled("t", true), 0);
            harness.processElement(url("t", "http://a.org/p0", 0, 0), 0);
            harness.setProcessingTime(1);
            assertThat(released(harness)).containsExactly("ROBOTS http://a.org/robots.txt");
            harness.processElement(FrontierEntry.feedback("http://a.org/robots.txt", "t", EntryKind.ROBOTS,
                    HostFeedback.robots(200, null, "User-agent: *\nAllow: /\n")), 1);
            harness.setProcessingTime(101);
            assertThat(released(harness)).containsExactly("PAGE http://a.org/p0");

            for (long hours : List.of(12L, 23L)) {
                harness.setProcessingTime(hours * HOUR);
                harness.processElement(url("t", "http://a.org/p" + hours, 0, 0), hours * HOUR);
                harness.setProcessingTime(hours * HOUR + 1);
                assertThat(released(harness)).as("at %d h", hours).containsExactly("PAGE http://a.org/p" + hours);
                assertThat(statesOf(harness, "a.org")).contains("robots");
                assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
            }

            harness.setProcessingTime(25 * HOUR);
            harness.processElement(url("t", "http://a.org/p25", 0, 0), 25 * HOUR);
            harness.setProcessingTime(25 * HOUR + 1);
            assertThat(released(harness)).as("the answer of 1 ms expired at 24 h")
                    .containsExactly("ROBOTS http://a.org/robots.txt");
        }
    }

    /**
     * A robots.txt answer that arrives after the host went idle lapses after its cleanup time:
     * the record stays until then, and the host's one timer moves on to that time.
     */
    @Test
    void aRobotsTxtAnsweredWhileTheHostWasIdleIsKeptUntilItExpires() throws Exception {
        String spec = "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 0}}";
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness = harness(null)) {
            harness.processBroadcastElement(TaskEvent.spec("t", spec), 0);
            harness.processBroadcastElement(TaskEvent.enabled("t", true), 0);
            harness.processElement(url("t", "http://a.org/x", 0, 0), 0);
            harness.setProcessingTime(1);
            assertThat(released(harness)).containsExactly("ROBOTS http://a.org/robots.txt");
            harness.processBroadcastElement(TaskEvent.deleted("t"), 1);
            harness.setProcessingTime(1_001);
            assertThat(statesOf(harness, "a.org")).as("x dropped: the host is idle").doesNotContain("queue");

            long answered = 2 * HOUR; // later than the request timeout: taken as the latest answer all the same
            harness.setProcessingTime(answered);
            harness.processElement(FrontierEntry.feedback("http://a.org/robots.txt", "t", EntryKind.ROBOTS,
                    HostFeedback.robots(200, null, "User-agent: *\nAllow: /\n")), answered);
            harness.setProcessingTime(1_001 + DAY);
            assertThat(statesOf(harness, "a.org")).containsExactly("robots", "seen", "timer-at");
            assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

            harness.setProcessingTime(answered + DAY);
            assertThat(statesOf(harness, "a.org")).containsExactly("seen");
            assertThat(harness.numProcessingTimeTimers()).isZero();
        }
    }

    /** The names of the keyed states that hold something for the host. */
    private static Set<String> statesOf(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness,
            String host) {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        Set<String> held = new TreeSet<>();
        for (String state : STATES) {
            try (Stream<String> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                if (keys.anyMatch(host::equals)) {
                    held.add(state);
                }
            }
        }
        return held;
    }
}
