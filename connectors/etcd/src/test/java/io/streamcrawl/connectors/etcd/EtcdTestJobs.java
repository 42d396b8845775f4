package io.streamcrawl.connectors.etcd;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink side of the etcd source ITCases: the MiniCluster and a job reading one prefix. */
final class EtcdTestJobs {
    /** How long the tests wait for events. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private EtcdTestJobs() {}

    /** One TaskManager with two slots: the source runs at parallelism 2, so one subtask gets no split. */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** The builder of a source of {@code prefix} in the etcd at {@code endpoint}. */
    static EtcdWatchSourceBuilder source(String endpoint, String prefix) {
        return EtcdWatchSource.builder().setEndpoints(endpoint).setPrefix(prefix);
    }

    /**
     * The source in a new environment at parallelism 2, without Kryo fallback, checkpointing
     * every {@code checkpointInterval}; {@code config} adds to that.
     */
    static DataStreamSource<EtcdKeyEvent> sourceOf(
            EtcdWatchSourceBuilder source, Duration checkpointInterval, Configuration config) {
        Configuration jobConfig = new Configuration(config);
        jobConfig.set(PipelineOptions.GENERIC_TYPES, false);
        jobConfig.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
        env.setParallelism(2);
        return env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "etcd source");
    }
}
