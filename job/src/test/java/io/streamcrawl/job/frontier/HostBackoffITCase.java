package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.frontier.HostSchedulerITCase.checkpoint;
import static io.streamcrawl.job.frontier.HostSchedulerITCase.counters;
import static io.streamcrawl.job.frontier.HostSchedulerITCase.harness;
import static io.streamcrawl.job.frontier.HostSchedulerITCase.queueSize;
import static io.streamcrawl.job.frontier.HostSchedulerITCase.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.TaskEvent;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a host's scheduler makes of failed fetches, on RocksDB as in the job: a URL-level failure
 * retries its URL on its own, behind fresh URLs and never before its delay, and leaves the host's
 * pace alone; host-level failures open the breaker only on the host's evidence (distinct URLs'
 * first attempts, requests in flight together counted once); a host whose breaker stays open for
 * {@code backoff.give-up} has its URLs dropped as failures. Uses the harness of
 * {@link HostSchedulerITCase} (its real Redis and etcd).
 */
class HostBackoffITCase {
    // The harness's servers, started for this class too: it must not depend on running after HostSchedulerITCase.
    @RegisterExtension static final RedisServerExtension REDIS = HostSchedulerITCase.REDIS;
    @RegisterExtension static final EtcdServerExtension ETCD = HostSchedulerITCase.ETCD;
    private static final String SPEC =
            "{\"seeds\": [\"http://a.org/\"], \"politeness\": {\"delayMs\": 0}, \"robots\": {\"obey\": false}}";

    @Test
    void aUrlLevelFailureRetriesItsUrlAfterItsDelayBehindFreshUrlsAndLeavesTheHostsPaceAlone() throws Exception {
        try (var harness = harness(null)) {
            start(harness, "t");
            harness.processElement(url("t", "http://a.org/broken", 0, 0), 0);
            harness.setProcessingTime(1);
            FetchRequest broken = single(harness);

            harness.setProcessingTime(2);
            harness.processElement(failed(broken, HostSignal.URL_FAILED, 500, FailureCause.NONE), 2);
            harness.processElement(url("t", "http://a.org/fresh", 0, 0), 2);
            harness.setProcessingTime(3);
            assertThat(urls(harness)).as("the host keeps its pace; the retry waits").containsExactly("http://a.org/fresh");
            assertThat(backoff(harness)).isNull();

            harness.setProcessingTime(2 + 10_000 - 1);
            assertThat(urls(harness)).as("never before its own delay").isEmpty();
            harness.processElement(url("t", "http://a.org/later", 0, 0), 2 + 10_000);
            harness.setProcessingTime(2 + 10_000);
            List<FetchRequest> due = List.copyOf(harness.extractOutputValues());
            assertThat(due).extracting(FetchRequest::url).as("due, and behind the fresh URL")
                    .containsExactly("http://a.org/later", "http://a.org/broken");
            assertThat(due.get(1).attempt()).isEqualTo(1);
            assertThat(queueSize(harness, "a.org")).isZero();
            checkpoint(harness, 1, 2 + 10_000);
        }
        assertThat(counters("t")).containsEntry("queued.0", "0").containsEntry("released.0", "3");
    }

    @Test
    void hostLevelFailuresInFlightTogetherCountOnceAndOnlyFirstAttemptsOpenTheBreaker() throws Exception {
        try (var harness = harness(null)) {
            start(harness, "t");
            for (String path : List.of("u1", "u2", "u3")) {
                harness.processElement(url("t", "http://a.org/" + path, 0, 0), 0);
            }
            harness.setProcessingTime(1);
            List<FetchRequest> together = harness.extractOutputValues();
            harness.getOutput().clear();
            assertThat(together).hasSize(3);

            harness.setProcessingTime(5);
            for (FetchRequest request : together) {
                harness.processElement(failed(request, HostSignal.FAILED, 0, FailureCause.CONNECT), 5);
            }
            assertThat(backoff(harness)).as("three failures in flight together: one step")
                    .extracting(HostBackoff::failures, HostBackoff::since, HostBackoff::lastOutcomeAt).containsExactly(1, 5L, 5L);

            harness.processElement(url("t", "http://a.org/v", 0, 0), 6);
            harness.setProcessingTime(6);
            FetchRequest v = single(harness);
            assertThat(v.reportOutcome()).as("a success must come back to close the breaker").isTrue();
            harness.setProcessingTime(7);
            harness.processElement(failed(v, HostSignal.FAILED, 0, FailureCause.CONNECT), 7);
            assertThat(backoff(harness).failures()).isEqualTo(2);
            assertThat(nextFetchAt(harness)).as("not open yet: no pause").isNull();

            harness.processElement(url("t", "http://a.org/w", 0, 0), 8);
            harness.processElement(url("t", "http://a.org/probe", 0, 0), 8);
            harness.setProcessingTime(8);
            List<FetchRequest> next = harness.extractOutputValues();
            harness.getOutput().clear();
            FetchRequest w = next.get(0);
            harness.setProcessingTime(9);
            harness.processElement(failed(w, HostSignal.FAILED, 0, FailureCause.CONNECT), 9);
            assertThat(backoff(harness)).extracting(HostBackoff::failures, HostBackoff::since, HostBackoff::counted)
                    .containsExactly(3, 5L, null);
            long pausedUntil = nextFetchAt(harness);
            assertThat(pausedUntil - 9).as("initial pause, jittered").isBetween(5_000L, 15_000L);

            FetchRequest probe = next.get(1);
            harness.setProcessingTime(10);
            harness.processElement(failed(probe, HostSignal.FAILED, 0, FailureCause.CONNECT), 10);
            assertThat(backoff(harness).failures()).as("released before the last failure seen: in flight with it")
                    .isEqualTo(3);

            harness.processElement(url("t", "http://a.org/fresh", 0, 0), 10);
            harness.setProcessingTime(pausedUntil - 1);
            assertThat(urls(harness)).as("nothing in the pause").isEmpty();
            harness.setProcessingTime(pausedUntil);
            List<FetchRequest> probes = List.copyOf(harness.extractOutputValues());
            harness.getOutput().clear();
            assertThat(probes).extracting(FetchRequest::url).as("one probe, a fresh URL, not a due retry")
                    .containsExactly("http://a.org/fresh");
            harness.setProcessingTime(pausedUntil + 60_000);
            assertThat(urls(harness)).as("nothing else until the probe's outcome").isEmpty();

            harness.processElement(FrontierEntry.feedback(probes.get(0).url(), "t", EntryKind.HOST,
                    HostFeedback.builder(HostSignal.OK).status(200).releasedAt(probes.get(0).releasedAt()).build()), 0);
            assertThat(backoff(harness).failures()).isZero();
            harness.setProcessingTime(pausedUntil + 60_001);
            assertThat(urls(harness)).as("the host goes on: the due retries").containsExactlyInAnyOrder(
                    "http://a.org/u1", "http://a.org/u2", "http://a.org/u3", "http://a.org/v", "http://a.org/w",
                    "http://a.org/probe");
        }
    }

    @Test
    void aHostAnswering503ToEverythingPausesLongerWithEachFailureOnceItsBreakerIsOpen() throws Exception {
        try (var harness = harness(null)) {
            start(harness, "t");
            long[][] pauses = {{0, 0}, {0, 0}, {5_000, 15_000}, {10_000, 30_000}, {20_000, 60_000}, {40_000, 120_000}};
            for (int i = 0; i < pauses.length; i++) {
                harness.processElement(url("t", "http://a.org/" + i, 0, 0), 0);
                Long pausedUntil = nextFetchAt(harness);
                harness.setProcessingTime(Math.max(harness.getProcessingTime() + 1, pausedUntil == null ? 0 : pausedUntil));
                FetchRequest request = single(harness);
                assertThat(request.url()).as("each probe a fresh URL").isEqualTo("http://a.org/" + i);
                long failedAt = harness.getProcessingTime() + 1;
                harness.setProcessingTime(failedAt);
                harness.processElement(failed(request, HostSignal.FAILED, 503, FailureCause.NONE), failedAt);
                Long until = nextFetchAt(harness);
                long pause = until == null ? 0 : until - failedAt;
                assertThat(pause).as("pause after failure %s", i + 1).isBetween(pauses[i][0], pauses[i][1]);
            }
            assertThat(backoff(harness).failures()).isEqualTo(pauses.length);
        }
    }

    @Test
    void oneUrlFailingAgainNeverOpensTheBreakerAndASuccessClosesIt() throws Exception {
        try (var harness = harness(null)) {
            start(harness, "t");
            harness.processElement(url("t", "http://a.org/x", 0, 0), 0);
            harness.setProcessingTime(1);
            FetchRequest x = single(harness);
            harness.setProcessingTime(2);
            harness.processElement(failed(x, HostSignal.FAILED, 503, FailureCause.NONE), 2);
            for (int attempt = 1; attempt <= 3; attempt++) {
                harness.setProcessingTime(harness.getProcessingTime() + 100_000);
                FetchRequest retry = single(harness);
                assertThat(retry.attempt()).isEqualTo(attempt);
                harness.processElement(failed(retry, HostSignal.FAILED, 503, FailureCause.NONE), harness.getProcessingTime());
            }
            assertThat(backoff(harness).failures()).as("one URL is no evidence against the host").isEqualTo(1);

            harness.processElement(url("t", "http://a.org/y", 0, 0), harness.getProcessingTime());
            harness.setProcessingTime(harness.getProcessingTime() + 1);
            FetchRequest y = single(harness);
            harness.processElement(FrontierEntry.feedback(y.url(), "t", EntryKind.HOST,
                    HostFeedback.builder(HostSignal.OK).status(200).releasedAt(y.releasedAt()).build()),
                    harness.getProcessingTime());
            assertThat(backoff(harness).failures()).isZero();
        }
    }

    @Test
    void aHostWhoseBreakerStaysOpenForTheGiveUpTimeHasItsUrlsDroppedAsFailures() throws Exception {
        BackoffSettings settings = new BackoffSettings(2, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofHours(1), Duration.ofMillis(100), Duration.ofSeconds(30));
        try (var harness = harness(null, settings)) {
            start(harness, "gone");
            for (int i = 0; i < 10; i++) {
                harness.processElement(url("gone", "http://a.org/" + i, 0, 0), 0);
            }
            // Each released URL fails with its own evidence until the give-up time.
            long time = 0;
            while (time < 40_000) {
                time += 50;
                harness.setProcessingTime(time);
                for (FetchRequest request : harness.extractOutputValues()) {
                    harness.processElement(failed(request, HostSignal.FAILED, 0, FailureCause.CONNECT), time);
                }
                harness.getOutput().clear();
            }
            assertThat(queueSize(harness, "a.org")).isZero();
            assertThat(backoff(harness).since()).isEqualTo(50);
            checkpoint(harness, 1, time);
        }
        assertThat(counters("gone")).containsEntry("queued.0", "0").containsEntry("released.0", "0")
                .containsEntry("given_up.0", "10");
    }

    private static void start(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness,
            String task) throws Exception {
        harness.processBroadcastElement(TaskEvent.spec(task, SPEC), 0);
        harness.processBroadcastElement(TaskEvent.enabled(task, true), 0);
    }

    /** What the fetch side sends back for a failed request that is tried again. */
    private static FrontierEntry failed(FetchRequest request, HostSignal signal, int status, FailureCause cause) {
        return request.entry().retryAfterFailure(
                HostFeedback.builder(signal).status(status).error("failed").cause(cause).releasedAt(request
                        .releasedAt()).build());
    }

    private static FetchRequest single(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness) {
        List<FetchRequest> released = List.copyOf(harness.extractOutputValues());
        harness.getOutput().clear();
        assertThat(released).hasSize(1);
        return released.get(0);
    }

    private static List<String> urls(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness) {
        List<String> urls = harness.extractOutputValues().stream().map(FetchRequest::url).toList();
        harness.getOutput().clear();
        return urls;
    }

    private static HostBackoff backoff(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness)
            throws Exception {
        return value(harness, new ValueStateDescriptor<>("backoff", HostBackoff.class));
    }

    private static Long nextFetchAt(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness)
            throws Exception {
        return value(harness, new ValueStateDescriptor<>("next-fetch-at", Long.class));
    }

    private static <T> T value(KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness,
            ValueStateDescriptor<T> descriptor) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey("a.org");
        return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor).value();
    }
}
