package io.streamcrawl.job.output;

import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.HttpMessages;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.model.PayloadDigest;
import io.streamcrawl.job.model.Revisit;

import okhttp3.HttpUrl;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.util.Preconditions;
import org.netpreserve.jwarc.HttpRequest;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.WarcTruncationReason;
import org.netpreserve.jwarc.WarcWriter;
import org.netpreserve.jwarc.Warcinfo;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a fetch that got an HTTP response as a WARC/1.1 {@code request} and {@code response}
 * record pair (jwarc), each its own gzip member as {@code .warc.gz} files have them, and starts
 * every file with a {@code warcinfo} record.
 *
 * <p>The client hands over a decoded body (no chunking; no compression when it decompressed),
 * so the archived response says what the archived bytes are: {@code Content-Length} is the
 * length of the body kept, and what the server sent instead is kept as
 * {@code X-Crawler-Content-Length} and {@code X-Crawler-Transfer-Encoding} (the convention of
 * Common Crawl and StormCrawler). A body cut at the task's max bytes is marked
 * {@code WARC-Truncated: length}; one the crawl did not read (an error status, a media type the task
 * does not take) {@code unspecified}. HTTP/2 exchanges are written as HTTP/1.1 messages, which
 * is what WARC readers replay.
 *
 * <p>A recrawl's answer that repeats its URL's last capture is a {@code revisit} record instead of
 * a response (the head only): a 304 with the {@code server-not-modified} profile, a 2xx with the
 * same payload digest with the {@code identical-payload-digest} profile. It refers to the capture
 * by its target URI, date and record id, which is derived from the URI and date ({@link #captureId}).
 */
public final class WarcEncoder implements Encoder<FetchResult> {
    private static final long serialVersionUID = 1L;
    private static final String CRAWLER_HEADER_PREFIX = "X-Crawler-";
    private static final String SOFTWARE = "streamcrawl";

    /** Whether a fetch result has what a WARC response needs: an HTTP response and its messages. */
    public static boolean archivable(FetchResult result) {
        return result.responded() && result.http() != null;
    }

    @Override
    public void encode(FetchResult result, OutputStream stream) throws IOException {
        Preconditions.checkArgument(archivable(result), "no HTTP response to archive for %s", result.request().url());
        if (atFileStart(stream)) {
            write(warcinfo(result.request().task()), stream);
        }
        Instant date = Instant.ofEpochMilli(result.fetchedAtMillis());
        WarcRequest request = new WarcRequest.Builder(result.finalUrl())
                .version(MessageVersion.WARC_1_1)
                .date(date)
                .body(httpRequest(result))
                .build();
        byte[] body = result.body();
        WarcDigest digest = PayloadDigest.of(body);
        Revisit revisit = Revisit.of(result, digest.toString());
        write(request, stream);
        write(revisit == Revisit.NONE ? response(result, date, body, digest, request) : revisit(result, date, revisit, request),
                stream);
    }

    /**
     * The record id of the response to the request of {@code url} fetched at {@code fetchedAtMillis}:
     * derived from both, so that a later revisit can name it from what its URL's recrawl plan keeps.
     */
    static URI captureId(String url, long fetchedAtMillis) {
        UUID id = UUID.nameUUIDFromBytes((url + " " + fetchedAtMillis).getBytes(StandardCharsets.UTF_8));
        return URI.create("urn:uuid:" + id);
    }

    private static WarcResponse response(FetchResult result, Instant date, byte[] body, WarcDigest digest,
            WarcRequest request) throws IOException {
        WarcResponse.Builder response = new WarcResponse.Builder(result.finalUrl())
                .version(MessageVersion.WARC_1_1)
                .recordId(captureId(result.request().url(), result.fetchedAtMillis()))
                .date(date)
                .body(httpResponse(result.status(), result.http(), body))
                .payloadDigest(digest)
                .concurrentTo(request.id());
        truncation(result).ifPresent(response::truncated);
        return response.build();
    }

    /**
     * A recrawl's answer that repeats its URL's last capture: the response's head only, pointing
     * at that capture (whose target is the URL that answers now: a page's redirect is not followed).
     */
    private static WarcRevisit revisit(FetchResult result, Instant date, Revisit revisit, WarcRequest request)
            throws IOException {
        PageValidators last = result.request().validators();
        WarcRevisit.Builder record = new WarcRevisit.Builder(result.finalUrl(),
                        revisit == Revisit.NOT_MODIFIED ? WarcRevisit.SERVER_NOT_MODIFIED_1_1
                                : WarcRevisit.IDENTICAL_PAYLOAD_DIGEST_1_1)
                .version(MessageVersion.WARC_1_1)
                .date(date)
                .body(httpResponse(result.status(), result.http(), new byte[0]))
                .refersTo(captureId(result.request().url(), last.capturedAt()), result.finalUrl(),
                        Instant.ofEpochMilli(last.capturedAt()))
                .concurrentTo(request.id());
        if (last.payloadDigest() != null) {
            record.payloadDigest(new WarcDigest(last.payloadDigest()));
        }
        return record.build();
    }

    private static Warcinfo warcinfo(String task) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put("software", List.of(SOFTWARE));
        fields.put("format", List.of("WARC File Format 1.1"));
        fields.put("conformsTo", List.of("https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"));
        fields.put("isPartOf", List.of(task));
        return new Warcinfo.Builder().version(MessageVersion.WARC_1_1).date(Instant.now()).fields(fields).build();
    }

    private static HttpRequest httpRequest(FetchResult result) {
        HttpMessages http = result.http();
        HttpUrl url = HttpUrl.get(result.finalUrl());
        String target = url.encodedQuery() == null ? url.encodedPath() : url.encodedPath() + "?" + url.encodedQuery();
        HttpRequest.Builder request = new HttpRequest.Builder(http.method(), target).version(versionOf(http));
        String[] headers = http.requestHeaders();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.addHeader(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    private static HttpResponse httpResponse(int status, HttpMessages http, byte[] body) {
        HttpResponse.Builder response = new HttpResponse.Builder(status, http.reason()).version(versionOf(http));
        String[] headers = http.responseHeaders();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            String name = headers[i];
            String value = headers[i + 1];
            boolean describesTheWire = name.equalsIgnoreCase("Transfer-Encoding")
                    || (name.equalsIgnoreCase("Content-Length") && !value.equals(Integer.toString(body.length)));
            if (describesTheWire) {
                response.addHeader(CRAWLER_HEADER_PREFIX + name, value);
            } else if (!name.equalsIgnoreCase("Content-Length")) {
                response.addHeader(name, value);
            }
        }
        // Sets Content-Length to the body's length; the Content-Type header was copied above.
        return response.body(null, body).build();
    }

    private static Optional<WarcTruncationReason> truncation(FetchResult result) {
        if (result.truncated()) {
            return Optional.of(WarcTruncationReason.LENGTH);
        }
        boolean emptyAnyway = "0".equals(result.http().responseHeader("Content-Length"));
        return result.http().bodyRead() || emptyAnyway
                ? Optional.empty()
                : Optional.of(WarcTruncationReason.UNSPECIFIED);
    }

    private static MessageVersion versionOf(HttpMessages http) {
        return "http/1.0".equals(http.protocol()) ? MessageVersion.HTTP_1_0 : MessageVersion.HTTP_1_1;
    }

    /**
     * Whether nothing was written to the part file yet. FileSink hands a row encoder the part
     * file's own stream, whose position survives a restore (a resumed file does not start again).
     */
    private static boolean atFileStart(OutputStream stream) throws IOException {
        Preconditions.checkState(stream instanceof FSDataOutputStream,
                "WARC files need the part file's stream, got a %s", stream.getClass().getName());
        return ((FSDataOutputStream) stream).getPos() == 0;
    }

    /** Appends a record as one gzip member. */
    private static void write(WarcRecord record, OutputStream stream) throws IOException {
        try (GZIPOutputStream gzip = new GZIPOutputStream(new KeepOpen(stream))) {
            new WarcWriter(Channels.newChannel(gzip)).write(record);
        }
    }

    /** Lets a gzip member be finished (and its deflater freed) without closing the part file's stream. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
            // the sink flushes and closes the part file
        }
    }
}
