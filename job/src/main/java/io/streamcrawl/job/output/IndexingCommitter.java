package io.streamcrawl.job.output;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;

/**
 * Commits WARC files with the FileSink's own committer, then writes the {@link CdxjIndex} of each
 * file it committed. The committer sees every file exactly when it becomes visible, and again
 * for each one restored after a failure (the commit is repeated then), so every committed WARC
 * gets its index, also when a failure came between the two. A failure to write an index fails
 * the commit, like a failure to commit the WARC: the job restarts and the repeated commit writes it.
 */
final class IndexingCommitter implements Committer<FileSinkCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(IndexingCommitter.class);

    private final Committer<FileSinkCommittable> files;

    IndexingCommitter(Committer<FileSinkCommittable> files) {
        this.files = files;
    }

    @Override
    public void commit(Collection<CommitRequest<FileSinkCommittable>> requests) throws IOException, InterruptedException {
        files.commit(requests);
        for (CommitRequest<FileSinkCommittable> request : requests) {
            index(request.getCommittable());
        }
    }

    /** Writes the index of the file {@code committable} committed, if it committed a WARC file. */
    static void index(FileSinkCommittable committable) throws IOException {
        if (!committable.hasPendingFile()) {
            return; // an in-progress file to clean up: nothing was committed
        }
        Path file = committable.getPendingFile().getPath();
        if (file == null) {
            // A pending file restored from the FileSink's first state format, which did not record its path.
            LOG.warn("A file committed to bucket {} has no known path: its CDXJ index cannot be written",
                    committable.getBucketId());
        } else if (CdxjIndex.indexes(file)) {
            CdxjIndex.write(file);
        }
    }

    @Override
    public void close() throws Exception {
        files.close();
    }
}
