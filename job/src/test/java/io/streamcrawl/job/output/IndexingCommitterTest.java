package io.streamcrawl.job.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.InProgressFileWriter;
import org.apache.flink.testutils.logging.LoggerAuditingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

class IndexingCommitterTest {
    @RegisterExtension
    final LoggerAuditingExtension log = new LoggerAuditingExtension(IndexingCommitter.class, Level.WARN);

    @Test
    void aCommittedFileWithoutAKnownPathIsReportedNotSkippedSilently() throws Exception {
        IndexingCommitter.index(new FileSinkCommittable("news", new InProgressFileWriter.PendingFileRecoverable() {
            @Override
            public Path getPath() {
                return null;
            }

            @Override
            public long getSize() {
                return -1;
            }
        }));

        assertThat(log.getMessages()).containsExactly(
                "A file committed to bucket news has no known path: its CDXJ index cannot be written");
    }
}
