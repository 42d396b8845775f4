package io.streamcrawl.job;

import io.streamcrawl.job.config.CrawlerConfigLoader;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The topology {@link CrawlerJob#build} creates with every optional operator switched on (both
 * output files), built without running it and without any server.
 */
final class CrawlerJobGraph {
    private final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

    CrawlerJobGraph(Path outputDir) {
        CrawlerJob.build(env, CrawlerConfigLoader.of(Map.of(
                "output.jsonl.path", outputDir.resolve("pages").toUri().toString(),
                "output.warc.path", outputDir.resolve("warc").toUri().toString())));
    }

    /** The operators as added to the environment, before the stream graph is generated. */
    List<Transformation<?>> transformations() {
        return env.getTransformations();
    }

    /** The stream graph of the job; call it after {@link #transformations()}, as it clears them. */
    StreamGraph streamGraph() {
        return env.getStreamGraph();
    }
}
