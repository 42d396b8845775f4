package io.streamcrawl.job.output;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.core.fs.Path;

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
    private final Committer<FileSinkCommittable> files;

    IndexingCommitter(Committer<FileSinkCommittable> files) {
        this.files = files;
    }

    @Override
    public void commit(Collection<CommitRequest<FileSinkCommittable>> requests) throws IOException, InterruptedException {
        files.commit(requests);
        for (CommitRequest<FileSinkCommittable> request : requests) {
            FileSinkCommittable committable = request.getCommittable();
            Path file = committable.hasPendingFile() ? committable.getPendingFile().getPath() : null;
            if (file != null && CdxjIndex.indexes(file)) {
                CdxjIndex.write(file);
            }
        }
    }

    @Override
    public void close() throws Exception {
        files.close();
    }
}
