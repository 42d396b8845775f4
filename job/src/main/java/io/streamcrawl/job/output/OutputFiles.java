package io.streamcrawl.job.output;

import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.PageRecord;

import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.DefaultRollingPolicy;
import org.apache.flink.util.function.SerializableFunction;

import java.time.Duration;
import java.util.Optional;

import static io.streamcrawl.job.config.CrawlerOptions.*;

/**
 * The file outputs of the crawl, from the configuration: FileSinks that write row by row into
 * {@code <path>/<task>/}, roll a file by size, age and idleness, and commit it with the next
 * checkpoint after it was closed (exactly once: after a failure the restored sink truncates the
 * open file to its checkpointed length and discards what was not committed). Until committed, a
 * file is hidden ({@code .<name>.inprogress.<uuid>}).
 */
public final class OutputFiles {
    /** Rolling is checked at least this often, so short roll intervals are honoured. */
    private static final Duration MAX_ROLL_CHECK_INTERVAL = Duration.ofMinutes(1);

    private OutputFiles() {}

    /** Whether page records carry their text: only the JSON lines files write it, when asked. */
    public static boolean keepsText(Configuration config) {
        return config.get(OUTPUT_JSONL_TEXT) && !config.get(OUTPUT_JSONL_PATH).isBlank();
    }

    /** Whether the job writes JSON lines or WARC files. */
    public static boolean writesFiles(Configuration config) {
        return !config.get(OUTPUT_JSONL_PATH).isBlank() || !config.get(OUTPUT_WARC_PATH).isBlank();
    }

    /** The JSON lines page files ({@code pages-<uuid>-<subtask>-<n>.jsonl}), when a path is configured. */
    public static Optional<FileSink<PageRecord>> jsonLines(Configuration config) {
        return sink(config.get(OUTPUT_JSONL_PATH), new PageJsonEncoder(), PageRecord::task,
                config.get(OUTPUT_JSONL_ROLL_SIZE), config.get(OUTPUT_JSONL_ROLL_INTERVAL), "pages", ".jsonl");
    }

    /**
     * The WARC files ({@code crawl-<uuid>-<subtask>-<n>.warc.gz}), each committed with its CDXJ index
     * ({@code crawl-<uuid>-<subtask>-<n>.cdxj}), when a path is configured.
     */
    public static Optional<IndexedFileSink<FetchResult>> warc(Configuration config) {
        return sink(config.get(OUTPUT_WARC_PATH), new WarcEncoder(), result -> result.request().task(),
                config.get(OUTPUT_WARC_ROLL_SIZE), config.get(OUTPUT_WARC_ROLL_INTERVAL), "crawl", CdxjIndex.WARC_SUFFIX)
                .map(IndexedFileSink::new);
    }

    private static <T> Optional<FileSink<T>> sink(String path, Encoder<T> encoder, SerializableFunction<T, String> taskOf,
            MemorySize rollSize, Duration rollInterval, String prefix, String suffix) {
        if (path.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(FileSink.forRowFormat(new Path(path), encoder)
                .withBucketAssigner(new TaskBucketAssigner<>(taskOf))
                .withRollingPolicy(DefaultRollingPolicy.builder()
                        .withMaxPartSize(rollSize.getBytes())
                        .withRolloverInterval(rollInterval.toMillis())
                        .withInactivityInterval(rollInterval.toMillis())
                        .build())
                .withBucketCheckInterval(Math.min(rollInterval.toMillis(), MAX_ROLL_CHECK_INTERVAL.toMillis()))
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(prefix).withPartSuffix(suffix).build())
                .build());
    }
}
