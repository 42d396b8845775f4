package io.streamcrawl.job.output;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.HttpMessages;
import io.streamcrawl.job.model.PayloadDigest;
import io.streamcrawl.job.url.TaskScope;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.api.functions.sink.filesystem.InProgressFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CdxjIndexTest {
    /** 2023-11-14T22:13:20.123Z */
    private static final long FETCHED_AT = 1_700_000_000_123L;
    private static final String[] REQUEST_HEADERS = {"User-Agent", "streamcrawl-test/1.0"};

    @TempDir Path dir;

    @Test
    void indexesEveryResponseSortedBySurtWithTheOffsetAndLengthOfItsRecord() throws Exception {
        byte[] html = "<html><title>B</title></html>".getBytes(StandardCharsets.UTF_8);
        Path warc = dir.resolve("crawl-1-0-0.warc.gz");
        // Written out of SURT order, one of them twice (a refetch), and a 404 whose body was not read.
        encode(warc, page("https://www.example.org/b", 200, html), page("https://example.org/a?x=1", 200, html),
                page("https://example.org/gone", 404, new byte[0]), page("https://example.org/a?x=1", 200, html));

        assertThat(CdxjIndex.write(flinkPath(warc))).isTrue();

        List<CommittedFiles.IndexedResponse> lines = CommittedFiles.cdxj(warc);
        // The key drops "www." as pywb's does, so both hosts' pages sort together.
        assertThat(lines).extracting(CommittedFiles.IndexedResponse::key)
                .containsExactly("org,example)/a?x=1", "org,example)/a?x=1", "org,example)/b", "org,example)/gone");
        assertThat(lines).extracting(CommittedFiles.IndexedResponse::line).isSorted();
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.timestamp()).isEqualTo("20231114221320");
            assertThat(line.fields().get("filename").asText()).isEqualTo("crawl-1-0-0.warc.gz");
            assertThat(line.fields().get("mime").asText()).isEqualTo("text/html");
            assertThat(line.capture().targetUri()).isEqualTo(line.fields().get("url").asText());
            assertThat(line.capture().status()).isEqualTo(line.fields().get("status").asInt());
            assertThat(line.capture().payloadDigest()).isEqualTo(line.fields().get("digest").asText());
        });
        assertThat(lines.get(0).fields().get("offset").asLong()).isNotEqualTo(lines.get(1).fields().get("offset").asLong());
        assertThat(lines.get(2).capture().targetUri()).isEqualTo("https://www.example.org/b");
        assertThat(lines.get(2).capture().payloadDigest()).isEqualTo(PayloadDigest.of(html).toString());
        assertThat(lines.get(3).capture().status()).isEqualTo(404);
    }

    @Test
    void anIndexThatExistsIsKeptAndAHiddenLeftoverIsReplaced() throws Exception {
        Path warc = dir.resolve("crawl-1-0-1.warc.gz");
        encode(warc, page("https://example.org/", 200, "<p>x</p>".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(dir.resolve(".crawl-1-0-1.cdxj.inprogress"), "half a line");

        assertThat(CdxjIndex.write(flinkPath(warc))).isTrue();
        byte[] index = Files.readAllBytes(dir.resolve("crawl-1-0-1.cdxj"));
        assertThat(CdxjIndex.write(flinkPath(warc))).isFalse();

        assertThat(Files.readAllBytes(dir.resolve("crawl-1-0-1.cdxj"))).isEqualTo(index);
        assertThat(CommittedFiles.cdxj(warc)).singleElement()
                .satisfies(line -> assertThat(line.capture().targetUri()).isEqualTo("https://example.org/"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("crawl-1-0-1.warc.gz", "crawl-1-0-1.cdxj");
        }
    }

    @Test
    void theCommitterIndexesTheWarcFilesItCommitsAlsoWhenTheCommitIsRepeatedAfterARestore() throws Exception {
        Path warc = dir.resolve("crawl-1-0-2.warc.gz");
        Path jsonl = dir.resolve("pages-1-0-2.jsonl");
        encode(warc, page("https://example.org/", 200, "<p>x</p>".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(jsonl, "{}\n");
        List<Integer> committed = new ArrayList<>();
        // The FileSink's committer has made the files visible (or did so before the failure).
        IndexingCommitter committer = new IndexingCommitter(new Committer<>() {
            @Override
            public void commit(java.util.Collection<CommitRequest<FileSinkCommittable>> requests) {
                committed.add(requests.size());
            }

            @Override
            public void close() {}
        });

        committer.commit(List.of(request(warc), request(jsonl)));

        assertThat(committed).containsExactly(2);
        assertThat(CommittedFiles.cdxj(warc)).hasSize(1);
        assertThat(dir.resolve("pages-1-0-2.cdxj")).doesNotExist();
    }

    private static Committer.CommitRequest<FileSinkCommittable> request(Path file) throws IOException {
        long size = Files.size(file);
        InProgressFileWriter.PendingFileRecoverable pending = new InProgressFileWriter.PendingFileRecoverable() {
            @Override
            public org.apache.flink.core.fs.Path getPath() {
                return flinkPath(file);
            }

            @Override
            public long getSize() {
                return size;
            }
        };
        FileSinkCommittable committable = new FileSinkCommittable("task", pending);
        return new Committer.CommitRequest<>() {
            @Override
            public FileSinkCommittable getCommittable() {
                return committable;
            }

            @Override
            public int getNumberOfRetries() {
                return 0;
            }

            @Override
            public void signalFailedWithKnownReason(Throwable t) {}

            @Override
            public void signalFailedWithUnknownReason(Throwable t) {}

            @Override
            public void retryLater() {}

            @Override
            public void updateAndRetryLater(FileSinkCommittable committable) {}

            @Override
            public void signalAlreadyCommitted() {}
        };
    }

    private static org.apache.flink.core.fs.Path flinkPath(Path file) {
        return new org.apache.flink.core.fs.Path(file.toUri());
    }

    private static void encode(Path file, FetchResult... results) throws IOException {
        WarcEncoder encoder = new WarcEncoder();
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem().create(flinkPath(file), FileSystem.WriteMode.NO_OVERWRITE)) {
            for (FetchResult result : results) {
                encoder.encode(result, out);
            }
        }
    }

    private static FetchResult page(String url, int status, byte[] body) {
        FetchRequest request = FetchRequest.builder(url, "news").followLinks(true)
                .task(TaskScope.ofSeeds(List.of(url)), new FetchSettings("streamcrawl-test/1.0", 5_000, 1_000_000,
                        new String[] {"text/html"}, 1, false, 5, true, new String[0]))
                .build();
        return FetchResult.response(request, status).finalUrl(url).contentType("text/html").body(body, false)
                .timing(FETCHED_AT, 5)
                .http(new HttpMessages("http/1.1", "GET", REQUEST_HEADERS, status == 200 ? "OK" : "Not Found",
                        new String[] {"Content-Type", "text/html"}, status == 200))
                .build();
    }
}
