package io.streamcrawl.connectors.etcd;

import static io.streamcrawl.connectors.etcd.EtcdKeyEvent.delete;
import static io.streamcrawl.connectors.etcd.EtcdKeyEvent.put;
import static io.streamcrawl.connectors.etcd.EtcdTestJobs.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.EtcdServerExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source in a running job against a real etcd: prefix read, live changes, etcd restarts. */
class EtcdWatchSourceITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final EtcdTestClient etcd = new EtcdTestClient(ETCD);
    @RegisterExtension static final MiniClusterExtension FLINK = EtcdTestJobs.miniCluster();

    @Test
    void emitsExistingKeysThenLiveChangesInOrderAndNothingOutsideThePrefix() throws Exception {
        long a = etcd.put("/live/tasks/a/spec", "A");
        long b = etcd.put("/live/tasks/b/spec", "B");
        etcd.put("/live/tasksx", "outside");
        etcd.put("/live/other/a", "outside");

        JobClient job = start("/live/tasks/", "live");
        try {
            List<EtcdKeyEvent> events = CollectingSink.events("live");
            await().atMost(TIMEOUT).until(() -> events.size() >= 2);

            long c = etcd.put("/live/tasks/c/spec", "C");
            long a2 = etcd.put("/live/tasks/a/spec", "A2");
            etcd.put("/live/tasksx", "outside again");
            long bGone = etcd.delete("/live/tasks/b/spec");
            await().atMost(TIMEOUT).until(() -> events.size() >= 5);

            assertThat(events).containsExactly(
                    put("/live/tasks/a/spec", "A", a),
                    put("/live/tasks/b/spec", "B", b),
                    put("/live/tasks/c/spec", "C", c),
                    put("/live/tasks/a/spec", "A2", a2),
                    delete("/live/tasks/b/spec", bGone));
            // The subtask without the split finished; the job keeps running.
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void losesNoEventWhenEtcdRestarts() throws Exception {
        long before = etcd.put("/restart/a", "1");
        JobClient job = start("/restart/", "restart");
        try {
            List<EtcdKeyEvent> events = CollectingSink.events("restart");
            long first = etcd.put("/restart/b", "2");
            await().atMost(TIMEOUT).until(() -> events.size() >= 2);

            ETCD.restart();
            long second = etcd.put("/restart/c", "3");
            long gone = etcd.delete("/restart/a");
            long third = etcd.put("/restart/b", "4");
            await().atMost(TIMEOUT).until(() -> events.size() >= 5);

            assertThat(events).containsExactly(
                    put("/restart/a", "1", before),
                    put("/restart/b", "2", first),
                    put("/restart/c", "3", second),
                    delete("/restart/a", gone),
                    put("/restart/b", "4", third));
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void failsTheJobOnlyOnceEtcdStayedDownPastTheRetryTimeout() throws Exception {
        Duration retryTimeout = Duration.ofSeconds(2);
        long a = etcd.put("/down/a", "1");
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient job = start(EtcdTestJobs.source(ETCD.endpoint(), "/down/")
                .set(EtcdWatchSourceOptions.RETRY_TIMEOUT, retryTimeout), noRestarts, "down");
        List<EtcdKeyEvent> events = CollectingSink.events("down");
        await().atMost(TIMEOUT).until(() -> events.size() >= 1);

        long start = System.nanoTime();
        ETCD.stop();
        try {
            assertThatThrownBy(() -> job.getJobExecutionResult().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "etcd.retry.timeout = PT2S"))
                            .as("a cause naming the retry timeout in %s", ExceptionUtils.stringifyException(e))
                            .hasValueSatisfying(cause -> assertThat(cause.getMessage())
                                    .contains("prefix '/down/'", ETCD.endpoint(), "unreachable")));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(retryTimeout);
            assertThat(events).containsExactly(put("/down/a", "1", a));
        } finally {
            ETCD.start();
        }
    }

    private static JobClient start(String prefix, String sinkName) throws Exception {
        return start(EtcdTestJobs.source(ETCD.endpoint(), prefix), new Configuration(), sinkName);
    }

    private static JobClient start(EtcdWatchSourceBuilder source, Configuration config, String sinkName)
            throws Exception {
        DataStreamSource<EtcdKeyEvent> events = EtcdTestJobs.sourceOf(source, Duration.ofMillis(500), config);
        events.sinkTo(CollectingSink.into(sinkName));
        return events.getExecutionEnvironment().executeAsync("etcd watch source " + sinkName);
    }
}
