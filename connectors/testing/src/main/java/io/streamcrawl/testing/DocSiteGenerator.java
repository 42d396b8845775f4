package io.streamcrawl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a generated documentation site (a {@link DocSiteGraph} rendered by
 * {@link DocPageRenderer}) to a directory for a static web server: {@code index.html} for
 * {@code /} and for each section, one {@code .html} file per other page, a {@code robots.txt}
 * that allows everything, and {@code pages.txt}, the list of every page's URL path, which is what
 * a complete crawl must fetch exactly once. The same page count and seed give the same bytes.
 *
 * <p>{@code java -cp streamcrawl-testing.jar io.streamcrawl.testing.DocSiteGenerator --out DIR
 * [--pages N] [--seed S]} prints one summary line: {@code site: pages=.. bytes=.. avg_bytes=..
 * min_bytes=.. max_bytes=.. avg_links=..}.
 */
public final class DocSiteGenerator {
    public static final String MANIFEST = "pages.txt";

    private DocSiteGenerator() {}

    /** What was written. */
    public record Summary(int pages, long bytes, int minBytes, int maxBytes, long links) {
        @Override
        public String toString() {
            return String.format("site: pages=%d bytes=%d avg_bytes=%d min_bytes=%d max_bytes=%d avg_links=%.1f",
                    pages, bytes, bytes / pages, minBytes, maxBytes, (double) links / pages);
        }
    }

    /** Writes the site of {@code graph} under {@code dir} (created when missing). */
    public static Summary write(DocSiteGraph graph, Path dir) {
        DocPageRenderer renderer = new DocPageRenderer(graph);
        long bytes = 0;
        long links = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("robots.txt"), "User-agent: *\nAllow: /\n");
            try (Writer manifest = Files.newBufferedWriter(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
                for (int page = 0; page < graph.pages(); page++) {
                    String path = graph.pathOf(page);
                    byte[] html = renderer.render(page).getBytes(StandardCharsets.UTF_8);
                    Path file = dir.resolve((path.endsWith("/") ? path + "index.html" : path).substring(1));
                    Files.createDirectories(file.getParent());
                    Files.write(file, html);
                    manifest.write(path + "\n");
                    bytes += html.length;
                    min = Math.min(min, html.length);
                    max = Math.max(max, html.length);
                    links += countLinks(html);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the site to " + dir, e);
        }
        return new Summary(graph.pages(), bytes, min, max, links);
    }

    /** The HTML of one page, as {@link #write} writes it. */
    public static String render(DocSiteGraph graph, int page) {
        return new DocPageRenderer(graph).render(page);
    }

    private static int countLinks(byte[] html) {
        byte[] marker = "<a href=\"".getBytes(StandardCharsets.US_ASCII);
        int count = 0;
        outer:
        for (int i = 0; i + marker.length <= html.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (html[i + j] != marker[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }

    public static void main(String[] args) {
        Path out = null;
        int pages = 10_000;
        long seed = 42;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--pages" -> pages = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("usage: DocSiteGenerator --out DIR [--pages N] [--seed S]");
        }
        System.out.println(write(new DocSiteGraph(pages, seed), out));
    }
}
