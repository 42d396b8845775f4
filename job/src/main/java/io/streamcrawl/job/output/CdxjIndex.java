package io.streamcrawl.job.output;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.cdx.CdxFormat;
import org.netpreserve.jwarc.cdx.CdxWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;

/**
 * The CDXJ index of a committed WARC file ({@code <name>.cdxj} beside {@code <name>.warc.gz}), as
 * pywb reads it: one line per response, {@code <SURT> <14-digit timestamp> {"url", "mime",
 * "status", "digest", "length", "offset", "filename"}}, sorted. jwarc writes the lines from the
 * file's own bytes, so each offset and length is that of the record's gzip member as committed.
 *
 * <p>Idempotent: an index that exists is kept (it was derived from the same committed bytes), and
 * one is made visible only whole, by renaming a hidden file, so a failure mid-write leaves no
 * partial index under the final name.
 */
public final class CdxjIndex {
    private static final Logger LOG = LoggerFactory.getLogger(CdxjIndex.class);
    static final String WARC_SUFFIX = ".warc.gz";
    static final String SUFFIX = ".cdxj";

    private CdxjIndex() {}

    /** Whether {@code file} is a WARC file this index is made for. */
    static boolean indexes(Path file) {
        return file.getName().endsWith(WARC_SUFFIX);
    }

    /** The index's path beside a WARC file: {@code crawl-….warc.gz} -> {@code crawl-….cdxj}. */
    public static Path of(Path warc) {
        String name = warc.getName();
        return new Path(warc.getParent(), name.substring(0, name.length() - WARC_SUFFIX.length()) + SUFFIX);
    }

    /** Writes the index of the committed WARC file {@code warc}, unless it exists; returns whether it wrote one. */
    static boolean write(Path warc) throws IOException {
        FileSystem fs = warc.getFileSystem();
        Path index = of(warc);
        if (fs.exists(index)) {
            return false;
        }
        // Hidden like the sink's in-progress files, so readers skip it until the rename.
        Path hidden = new Path(index.getParent(), "." + index.getName() + ".inprogress");
        // Closing the CdxWriter writes the sorted lines and closes the file.
        try (FSDataInputStream in = fs.open(warc);
                WarcReader reader = new WarcReader(in);
                CdxWriter cdx = new CdxWriter(new OutputStreamWriter(
                        fs.create(hidden, FileSystem.WriteMode.OVERWRITE), StandardCharsets.UTF_8))) {
            cdx.setFormat(CdxFormat.CDXJ);
            cdx.setSort(true);
            cdx.onWarning(message -> LOG.warn("Indexing {}: {}", warc, message));
            cdx.process(reader, warc.getName());
        }
        if (!fs.rename(hidden, index)) {
            throw new IOException("cannot rename " + hidden + " to " + index);
        }
        return true;
    }
}
