package io.streamcrawl.job.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Every response record of the committed WARC files below {@code dir}. */
    public static List<ArchivedResponse> warcResponses(Path dir) throws IOException {
        List<ArchivedResponse> responses = new ArrayList<>();
        for (Path file : committed(dir, ".warc.gz")) {
            try (WarcReader reader = new WarcReader(file)) {
                for (WarcRecord record : reader) {
                    if (record instanceof WarcResponse response) {
                        responses.add(new ArchivedResponse(
                                response.target(), response.payloadDigest().map(Object::toString).orElse(null)));
                    }
                }
            }
        }
        return responses;
    }
}
