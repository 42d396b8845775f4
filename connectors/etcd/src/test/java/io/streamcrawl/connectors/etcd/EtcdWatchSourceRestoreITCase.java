package io.streamcrawl.connectors.etcd;

import static io.streamcrawl.connectors.etcd.EtcdKeyEvent.delete;
import static io.streamcrawl.connectors.etcd.EtcdKeyEvent.put;
import static io.streamcrawl.connectors.etcd.EtcdTestJobs.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.EtcdServerExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring the source: from a savepoint after a stop, from a checkpoint after a failure, and
 * after etcd compacted the checkpointed revision away.
 */
class EtcdWatchSourceRestoreITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final EtcdTestClient etcd = new EtcdTestClient(ETCD);
    @RegisterExtension static final MiniClusterExtension FLINK = EtcdTestJobs.miniCluster();

    @TempDir Path savepoints;

    @Test
    void resumesFromSavepointWithoutRepeatingOrMissingChanges() throws Exception {
        long a = etcd.put("/sp/a", "1");
        long b = etcd.put("/sp/b", "2");
        JobClient first = start("/sp/", "sp-before", null, false);
        List<EtcdKeyEvent> before = CollectingSink.events("sp-before");
        await().atMost(TIMEOUT).until(() -> before.size() >= 2);
        long c = etcd.put("/sp/c", "3");
        await().atMost(TIMEOUT).until(() -> before.size() >= 3);
        String savepoint = stopWithSavepoint(first);

        long d = etcd.put("/sp/d", "4");
        long aGone = etcd.delete("/sp/a");
        etcd.put("/spx", "outside");
        JobClient second = start("/sp/", "sp-after", savepoint, false);
        try {
            List<EtcdKeyEvent> after = CollectingSink.events("sp-after");
            await().atMost(TIMEOUT).until(() -> after.size() >= 2);
            long e = etcd.put("/sp/e", "5");
            await().atMost(TIMEOUT).until(() -> after.size() >= 3);

            assertThat(before).containsExactly(put("/sp/a", "1", a), put("/sp/b", "2", b), put("/sp/c", "3", c));
            assertThat(after).containsExactly(put("/sp/d", "4", d), delete("/sp/a", aGone), put("/sp/e", "5", e));
        } finally {
            second.cancel().get();
        }
    }

    @Test
    void recoversFromCheckpointAfterFailureWithoutLosingChanges() throws Exception {
        FailOnce.reset();
        long a = etcd.put("/fail/a", "1");
        long b = etcd.put("/fail/b", "2");
        JobClient job = start("/fail/", "fail", null, true);
        try {
            List<EtcdKeyEvent> events = CollectingSink.events("fail");
            long c = etcd.put("/fail/c", "3");
            await().atMost(TIMEOUT).until(() -> events.size() >= 3);
            await().atMost(TIMEOUT).until(() -> FailOnce.completedThrough() >= c);

            long d = etcd.put("/fail/d", "4");
            long boom = etcd.put(FailOnce.TRIGGER, "fail now");
            long e = etcd.put("/fail/e", "5");
            await().atMost(TIMEOUT).until(() -> events.contains(put("/fail/e", "5", e)));

            assertThat(FailOnce.failed()).isTrue();
            // Before the failure: a, b, c and maybe d; after it, replay from the checkpoint (past c).
            assertThat(events.stream().distinct().toList()).containsExactly(
                    put("/fail/a", "1", a), put("/fail/b", "2", b), put("/fail/c", "3", c),
                    put("/fail/d", "4", d), put(FailOnce.TRIGGER, "fail now", boom), put("/fail/e", "5", e));
            assertThat(events.subList(0, 3))
                    .containsExactly(put("/fail/a", "1", a), put("/fail/b", "2", b), put("/fail/c", "3", c));
            assertThat(events.subList(3, events.size())).allSatisfy(event -> assertThat(event.revision()).isGreaterThan(c));
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void readsThePrefixAgainWhenTheSavepointRevisionWasCompacted() throws Exception {
        etcd.put("/cp/a", "1");
        etcd.put("/cp/b", "2");
        JobClient first = start("/cp/", "cp-before", null, false);
        List<EtcdKeyEvent> before = CollectingSink.events("cp-before");
        await().atMost(TIMEOUT).until(() -> before.size() >= 2);
        String savepoint = stopWithSavepoint(first);

        etcd.delete("/cp/a");
        long b2 = etcd.put("/cp/b", "2'");
        long c = etcd.put("/cp/c", "3");
        long compacted = etcd.compactAll();
        JobClient second = start("/cp/", "cp-after", savepoint, false);
        try {
            List<EtcdKeyEvent> after = CollectingSink.events("cp-after");
            await().atMost(TIMEOUT).until(() -> after.size() >= 3);
            long d = etcd.put("/cp/d", "4");
            await().atMost(TIMEOUT).until(() -> after.size() >= 4);

            // The savepoint knows /cp/a and /cp/b: the re-read reports what changed, the deletion of
            // /cp/a (whose revision fell into the compacted history) at the read's revision.
            assertThat(after).containsExactly(
                    put("/cp/b", "2'", b2), put("/cp/c", "3", c), delete("/cp/a", compacted), put("/cp/d", "4", d));
        } finally {
            second.cancel().get();
        }
    }

    /**
     * Stops the job with a savepoint, trying again while it is declined: the subtask without the
     * split may still be starting or finishing ("tasks not ready"), which a savepoint cannot wait for.
     */
    private String stopWithSavepoint(JobClient job) {
        return await().atMost(TIMEOUT).ignoreExceptionsInstanceOf(ExecutionException.class).until(
                () -> job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get(),
                Objects::nonNull);
    }

    private static JobClient start(String prefix, String sinkName, String savepoint, boolean failOnce)
            throws Exception {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        if (savepoint != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        var events = EtcdTestJobs.sourceOf(EtcdTestJobs.source(ETCD.endpoint(), prefix), Duration.ofMillis(200), config).uid("etcd-source");
        if (failOnce) {
            events = events.map(new FailOnce()).uid("fail-once");
        }
        events.sinkTo(CollectingSink.into(sinkName)).uid("collect");
        return events.getExecutionEnvironment().executeAsync("etcd watch source restore " + sinkName);
    }

    /**
     * Fails the job once on {@link #TRIGGER}, and records which revisions completed checkpoints
     * cover: the highest revision seen when the barrier passed, for checkpoints that completed.
     */
    private static final class FailOnce
            implements MapFunction<EtcdKeyEvent, EtcdKeyEvent>, CheckpointedFunction, CheckpointListener {
        static final String TRIGGER = "/fail/trigger";
        private static final AtomicBoolean FAILED = new AtomicBoolean();
        private static final Map<Long, Long> SEEN_AT_BARRIER = new ConcurrentHashMap<>();
        private static final AtomicLong COMPLETED_THROUGH = new AtomicLong();

        private long maxSeen;

        static void reset() {
            FAILED.set(false);
            SEEN_AT_BARRIER.clear();
            COMPLETED_THROUGH.set(0);
        }

        static boolean failed() {
            return FAILED.get();
        }

        static long completedThrough() {
            return COMPLETED_THROUGH.get();
        }

        @Override
        public EtcdKeyEvent map(EtcdKeyEvent event) {
            if (event.key().equals(TRIGGER) && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("failure injected by the test at revision " + event.revision());
            }
            maxSeen = Math.max(maxSeen, event.revision());
            return event;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            SEEN_AT_BARRIER.merge(context.getCheckpointId(), maxSeen, Math::max);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Long seen = SEEN_AT_BARRIER.get(checkpointId);
            if (seen != null) {
                COMPLETED_THROUGH.accumulateAndGet(seen, Math::max);
            }
        }
    }
}
