package io.streamcrawl.connectors.etcd;

import static io.streamcrawl.connectors.etcd.EtcdKeyEvent.delete;
import static io.streamcrawl.connectors.etcd.EtcdKeyEvent.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.EtcdServerExtension;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source in a running job against a real etcd: prefix read, live changes, etcd restarts. */
class EtcdWatchSourceITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static EtcdTestClient etcd;

    @BeforeAll
    static void connect() {
        etcd = new EtcdTestClient(ETCD.endpoint());
    }

    @AfterAll
    static void disconnect() {
        etcd.close();
    }

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

    private static JobClient start(String prefix, String sinkName) throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        EtcdWatchSource source = EtcdWatchSource.builder()
                .setEndpoints(ETCD.endpoint())
                .setPrefix(prefix)
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "etcd source")
                .sinkTo(CollectingSink.into(sinkName));
        return env.executeAsync("etcd watch source " + sinkName);
    }
}
