package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the uid of every operator of the crawl job. A savepoint keys each operator's state by
 * its uid: a uid that changes or disappears leaves that state behind on the next upgrade (Flink
 * refuses the savepoint, or with --allowNonRestoredState drops the state). Change this list only
 * for an operator added on purpose.
 */
class OperatorUidsTest {
    private static final List<String> UIDS = List.of(
            "frontier-source", "task-control-source", "job-fence", "task-control", "host-scheduler", "fetcher",
            "fetch-outcomes", "page-parser", "near-duplicates", "frontier-sink", "page-counter", "page-writes",
            "pages-sink", "page-records", "jsonl-files", "Sink Committer: jsonl-files", "archivable-fetches",
            "warc-files", "Sink Committer: warc-files");

    @Test
    void everyOperatorOfTheJobKeepsItsUid(@TempDir Path output) {
        List<StreamNode> nodes = List.copyOf(new CrawlerJobGraph(output).streamGraph().getStreamNodes());

        assertThat(nodes).allSatisfy(node -> assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotNull());
        assertThat(nodes.stream().map(StreamNode::getTransformationUID).filter(Objects::nonNull).toList())
                .containsExactlyInAnyOrderElementsOf(UIDS);
    }
}
