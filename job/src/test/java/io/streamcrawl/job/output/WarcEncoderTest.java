package io.streamcrawl.job.output;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.HttpMessages;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.model.PayloadDigest;
import io.streamcrawl.job.url.TaskScope;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MessageHeaders;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.WarcTruncationReason;
import org.netpreserve.jwarc.Warcinfo;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarcEncoderTest {
    private static final long FETCHED_AT = 1_700_000_000_123L;
    private static final String[] REQUEST_HEADERS = {
        "User-Agent", "streamcrawl-test/1.0", "Host", "example.org", "Connection", "Keep-Alive", "Accept-Encoding", "gzip"};

    @TempDir Path dir;

    @Test
    void writesAWarcinfoThenARequestAndResponsePerFetchThatJwarcValidates() throws Exception {
        byte[] html = "<html><title>A</title></html>".getBytes(StandardCharsets.UTF_8);
        FetchResult page = result("https://example.org/a?x=1", 200, html, false, new HttpMessages("http/1.1", "GET",
                REQUEST_HEADERS, "OK", new String[] {"Content-Type", "text/html", "Content-Length", Integer.toString(html.length)}, true));
        FetchResult chunked = result("https://example.org/b", 200, html, false, new HttpMessages("h2", "GET",
                REQUEST_HEADERS, "", new String[] {"content-type", "text/html", "transfer-encoding", "chunked"}, true));
        FetchResult cut = result("https://example.org/big", 200, html, true, new HttpMessages("http/1.1", "GET",
                REQUEST_HEADERS, "OK", new String[] {"Content-Type", "text/html", "Content-Length", "5000000"}, true));
        FetchResult missing = result("https://example.org/gone", 404, new byte[0], false, new HttpMessages("http/1.1", "GET",
                REQUEST_HEADERS, "Not Found", new String[] {"Content-Type", "text/html", "Content-Length", "120"}, false));
        Path file = dir.resolve("crawl.warc.gz");

        encode(file, page, chunked, cut, missing);

        List<Read> records = read(file);
        assertThat(records).extracting(Read::type)
                .containsExactly("warcinfo", "request", "response", "request", "response", "request", "response", "request", "response");
        assertThat(records.get(0).fields().first("software")).hasValue("streamcrawl");
        assertThat(records.get(0).fields().first("isPartOf")).hasValue("news");

        WarcRequest request = (WarcRequest) records.get(1).record();
        WarcResponse response = (WarcResponse) records.get(2).record();
        assertThat(request.target()).isEqualTo("https://example.org/a?x=1");
        assertThat(request.version()).isEqualTo(MessageVersion.WARC_1_1);
        assertThat(request.date()).isEqualTo(Instant.ofEpochMilli(FETCHED_AT));
        assertThat(request.http().target()).isEqualTo("/a?x=1");
        assertThat(request.http().headers().first("User-Agent")).hasValue("streamcrawl-test/1.0");
        assertThat(response.target()).isEqualTo("https://example.org/a?x=1");
        assertThat(response.concurrentTo()).containsExactly(request.id());
        assertThat(response.payloadDigest()).hasValueSatisfying(
                digest -> assertThat(digest).isEqualTo(PayloadDigest.of(html)));
        assertThat(response.truncated()).isEqualTo(WarcTruncationReason.NOT_TRUNCATED);
        assertThat(response.http().status()).isEqualTo(200);
        assertThat(records.get(2).payload()).isEqualTo(html);

        HttpResponse dechunked = ((WarcResponse) records.get(4).record()).http();
        assertThat(dechunked.version().toString()).isEqualTo("HTTP/1.1");
        assertThat(dechunked.headers().first("Transfer-Encoding")).isEmpty();
        assertThat(dechunked.headers().first("X-Crawler-Transfer-Encoding")).hasValue("chunked");
        assertThat(dechunked.headers().first("Content-Length")).hasValue(Integer.toString(html.length));

        WarcResponse truncated = (WarcResponse) records.get(6).record();
        assertThat(truncated.truncated()).isEqualTo(WarcTruncationReason.LENGTH);
        assertThat(truncated.http().headers().first("X-Crawler-Content-Length")).hasValue("5000000");
        WarcResponse notRead = (WarcResponse) records.get(8).record();
        assertThat(notRead.truncated()).isEqualTo(WarcTruncationReason.UNSPECIFIED);
        assertThat(notRead.http().status()).isEqualTo(404);
        assertThat(notRead.http().reason()).isEqualTo("Not Found");

        JwarcValidator.Verdict verdict = JwarcValidator.validate(List.of(file));
        assertThat(verdict.errors()).isEmpty();
        assertThat(verdict.exitCode()).isZero();
    }

    @Test
    void writesTheWarcinfoOnlyAtTheStartOfAFile() throws Exception {
        byte[] html = "<p>x</p>".getBytes(StandardCharsets.UTF_8);
        FetchResult page = result("https://example.org/", 200, html, false,
                new HttpMessages("http/1.1", "GET", REQUEST_HEADERS, "OK", new String[] {"Content-Type", "text/html"}, true));
        Path file = dir.resolve("two.warc.gz");

        encode(file, page, page);

        assertThat(read(file)).extracting(Read::type).containsExactly("warcinfo", "request", "response", "request", "response");
    }

    @Test
    void aRecrawlThatRepeatsTheLastCaptureIsARevisitThatPointsAtIt() throws Exception {
        byte[] html = "<html><title>A</title></html>".getBytes(StandardCharsets.UTF_8);
        String url = "https://example.org/a";
        HttpMessages ok = new HttpMessages("http/1.1", "GET", REQUEST_HEADERS, "OK",
                new String[] {"Content-Type", "text/html", "ETag", "\"v1\""}, true);
        FetchResult first = result(url, 200, html, false, ok);
        PageValidators last = PageValidators.after(first, PayloadDigest.of(html).toString());
        long later = FETCHED_AT + 60_000;
        FetchResult notModified = recrawl(url, 304, new byte[0], new HttpMessages("http/1.1", "GET", REQUEST_HEADERS,
                "Not Modified", new String[] {"ETag", "\"v1\""}, false), last, later);
        FetchResult identical = recrawl(url, 200, html, ok, last, later + 60_000);
        FetchResult changed = recrawl(url, 200, "<p>new</p>".getBytes(StandardCharsets.UTF_8), ok, last, later + 120_000);
        Path file = dir.resolve("recrawl.warc.gz");

        encode(file, first, notModified, identical, changed);

        List<Read> records = read(file);
        assertThat(records).extracting(Read::type).containsExactly(
                "warcinfo", "request", "response", "request", "revisit", "request", "revisit", "request", "response");
        WarcResponse capture = (WarcResponse) records.get(2).record();
        WarcRevisit serverNotModified = (WarcRevisit) records.get(4).record();
        assertThat(serverNotModified.profile()).isEqualTo(WarcRevisit.SERVER_NOT_MODIFIED_1_1);
        assertThat(serverNotModified.refersTo()).hasValue(capture.id());
        assertThat(serverNotModified.refersToTargetURI()).hasValue(URI.create(url));
        assertThat(serverNotModified.refersToDate()).hasValue(capture.date());
        assertThat(serverNotModified.date()).isEqualTo(Instant.ofEpochMilli(later));
        assertThat(serverNotModified.concurrentTo()).containsExactly(records.get(3).record().id());
        assertThat(serverNotModified.http().status()).isEqualTo(304);
        assertThat(serverNotModified.payloadDigest()).isEqualTo(capture.payloadDigest());
        WarcRevisit identicalPayload = (WarcRevisit) records.get(6).record();
        assertThat(identicalPayload.profile()).isEqualTo(WarcRevisit.IDENTICAL_PAYLOAD_DIGEST_1_1);
        assertThat(identicalPayload.refersTo()).hasValue(capture.id());
        assertThat(identicalPayload.refersToDate()).hasValue(capture.date());
        assertThat(identicalPayload.payloadDigest()).hasValue(PayloadDigest.of(html));
        assertThat(identicalPayload.http().status()).isEqualTo(200);
        assertThat(identicalPayload.http().body().stream().readAllBytes()).as("no second copy").isEmpty();
        assertThat(((WarcResponse) records.get(8).record()).http().status()).isEqualTo(200);
        assertThat(JwarcValidator.validate(List.of(file)).errors()).isEmpty();
    }

    @Test
    void onlyFetchesWithAnHttpResponseAreArchivable() {
        FetchResult failed = FetchResult.failed(result("https://example.org/", 200, new byte[0], false, null).request(),
                FetchFailure.NETWORK).cause(FailureCause.CONNECT).timing(1, 1).error("boom").build();

        assertThat(WarcEncoder.archivable(failed)).isFalse();
        assertThat(WarcEncoder.archivable(result("https://example.org/", 200, new byte[0], false, null))).isFalse();
        assertThatThrownBy(() -> new WarcEncoder().encode(failed, Files.newOutputStream(dir.resolve("x"))))
                .hasMessageContaining("no HTTP response to archive for https://example.org/");
    }

    private static void encode(Path file, FetchResult... results) throws IOException {
        WarcEncoder encoder = new WarcEncoder();
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem().create(
                new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.NO_OVERWRITE)) {
            for (FetchResult result : results) {
                encoder.encode(result, out);
            }
        }
    }

    /** A record read back, with what has to be read before the reader moves on: the payload, the warcinfo fields. */
    private record Read(WarcRecord record, byte[] payload, MessageHeaders fields) {
        String type() {
            return record.type();
        }
    }

    private static List<Read> read(Path file) throws IOException {
        List<Read> records = new ArrayList<>();
        try (WarcReader reader = new WarcReader(file)) {
            for (WarcRecord record : reader) {
                byte[] payload = null;
                MessageHeaders fields = null;
                if (record instanceof WarcRequest request) {
                    request.http();
                } else if (record instanceof WarcResponse response) {
                    payload = response.http().body().stream().readAllBytes();
                } else if (record instanceof WarcRevisit revisit) {
                    payload = revisit.http().body().stream().readAllBytes();
                } else if (record instanceof Warcinfo info) {
                    fields = info.fields();
                }
                records.add(new Read(record, payload, fields));
            }
        }
        return records;
    }

    private static FetchResult result(String url, int status, byte[] body, boolean truncated, HttpMessages http) {
        return fetched(url, status, body, truncated, http, null, FETCHED_AT);
    }

    /** A recrawl of {@code url} whose request carried the validators {@code last}. */
    private static FetchResult recrawl(String url, int status, byte[] body, HttpMessages http, PageValidators last,
            long fetchedAt) {
        return fetched(url, status, body, false, http, last, fetchedAt);
    }

    private static FetchResult fetched(String url, int status, byte[] body, boolean truncated, HttpMessages http,
            PageValidators validators, long fetchedAt) {
        FetchRequest request = FetchRequest.builder(url, "news").followLinks(true)
                .task(TaskScope.ofSeeds(List.of(url)), new FetchSettings("streamcrawl-test/1.0", 5_000, 1_000_000,
                        new String[] {"text/html"}, 1, false, 5, true, new String[0]))
                .validators(validators)
                .build();
        return FetchResult.response(request, status).finalUrl(url).contentType("text/html").body(body, truncated)
                .timing(fetchedAt, 5).http(http).build();
    }
}
