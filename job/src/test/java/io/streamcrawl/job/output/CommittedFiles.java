package io.streamcrawl.job.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads what a FileSink committed under an output directory, the way a consumer of the files would. */
public final class CommittedFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CommittedFiles() {}

    /** A WARC response as read back: its target URI and payload digest. */
    public record ArchivedResponse(String targetUri, String payloadDigest) {}

    /** The committed files below {@code dir} whose names end with {@code suffix}; in-progress files are hidden (dot files). */
    public static List<Path> committed(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .filter(file -> file.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Every record of the committed JSON lines files below {@code dir}. */
    public static List<JsonNode> jsonLines(Path dir) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (Path file : committed(dir, ".jsonl")) {
            for (String line : Files.readAllLines(file)) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    /** The types of the records of one WARC file, in file order. */
    public static List<String> warcRecordTypes(Path warcFile) throws IOException {
        List<String> types = new ArrayList<>();
        try (WarcReader reader = new WarcReader(warcFile)) {
            reader.forEach(record -> types.add(record.type()));
        }
        return types;
    }

    /** A response record read back alone: its target URI, HTTP status and payload digest. */
    public record Capture(String targetUri, int status, String payloadDigest) {}

    /**
     * A line of a CDXJ index and what its offset and length point at.
     *
     * @param fields the line's JSON block
     * @param capture the response record read from those bytes alone, or null when they hold no response
     */
    public record IndexedResponse(String line, String key, String timestamp, JsonNode fields, Capture capture) {}

    /** The lines of the CDXJ index beside a WARC file, in file order, each with the record it points at. */
    public static List<IndexedResponse> cdxj(Path warcFile) throws IOException {
        String name = warcFile.getFileName().toString();
        Path index = warcFile.resolveSibling(name.substring(0, name.length() - ".warc.gz".length()) + ".cdxj");
        List<IndexedResponse> lines = new ArrayList<>();
        for (String line : Files.readAllLines(index)) {
            String[] parts = line.split(" ", 3);
            JsonNode fields = JSON.readTree(parts[2]);
            Capture capture = captureAt(warcFile, fields.get("offset").asLong(), fields.get("length").asInt());
            lines.add(new IndexedResponse(line, parts[0], parts[1], fields, capture));
        }
        return lines;
    }

    /** The response in the {@code length} bytes at {@code offset}, read alone, as a replay tool reads it. */
    private static Capture captureAt(Path file, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        try (FSDataInputStream in = FileSystem.getLocalFileSystem().open(new org.apache.flink.core.fs.Path(file.toUri()))) {
            in.seek(offset);
            for (int read = 0, n; read < length; read += n) {
                n = in.read(bytes, read, length - read);
                if (n < 0) {
                    throw new IOException("the record at " + offset + " in " + file + " ends early");
                }
            }
        }
        try (WarcReader reader = new WarcReader(new ByteArrayInputStream(bytes))) {
            WarcRecord record = reader.next().orElse(null);
            return record instanceof WarcResponse response
                    ? new Capture(response.target(), response.http().status(),
                            response.payloadDigest().map(Object::toString).orElse(null))
                    : null;
        }
    }

    /** Every response record of the committed WARC files below {@code dir}. */
    public static List<ArchivedResponse> warcResponses(Path dir) throws IOException {
        List<ArchivedResponse> responses = new ArrayList<>();
        for (WarcRecord record : warcRecords(dir)) {
            if (record instanceof WarcResponse response) {
                responses.add(new ArchivedResponse(response.target(), response.payloadDigest().map(Object::toString).orElse(null)));
            }
        }
        return responses;
    }

    /** A WARC revisit record as read back: its target URI, profile, and the target URI and date of what it refers to. */
    public record ArchivedRevisit(String targetUri, URI profile, URI refersToTargetUri, Instant refersToDate) {}

    /** Every revisit record of the committed WARC files below {@code dir}. */
    public static List<ArchivedRevisit> warcRevisits(Path dir) throws IOException {
        List<ArchivedRevisit> revisits = new ArrayList<>();
        for (WarcRecord record : warcRecords(dir)) {
            if (record instanceof WarcRevisit revisit) {
                revisits.add(new ArchivedRevisit(revisit.target(), revisit.profile(), revisit.refersToTargetURI().orElse(null),
                        revisit.refersToDate().orElse(null)));
            }
        }
        return revisits;
    }

    /** Every record of the committed WARC files below {@code dir}, its headers read (not its body). */
    private static List<WarcRecord> warcRecords(Path dir) throws IOException {
        List<WarcRecord> records = new ArrayList<>();
        for (Path file : committed(dir, ".warc.gz")) {
            try (WarcReader reader = new WarcReader(file)) {
                reader.forEach(records::add);
            }
        }
        return records;
    }
}
