package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated documentation site is complete, connected, realistic in shape, and deterministic. */
class DocSiteGeneratorTest {
    private static final Pattern HREF = Pattern.compile("<a href=\"([^\"]+)\"");
    private static final String ORIGIN = "http://127.0.0.1:8080";
    private static final int PAGES = 1_500;

    @TempDir
    Path dir;

    @Test
    void everyPageOfTheManifestIsReachableFromTheRootAndNoLinkPointsElsewhere() throws IOException {
        DocSiteGenerator.write(new DocSiteGraph(PAGES, 42), dir);
        List<String> manifest = Files.readAllLines(dir.resolve(DocSiteGenerator.MANIFEST));
        assertThat(new HashSet<>(manifest)).hasSize(PAGES).contains("/");

        Set<String> reached = new LinkedHashSet<>(List.of("/"));
        Deque<String> todo = new ArrayDeque<>(reached);
        long links = 0;
        long sameHost = 0;
        while (!todo.isEmpty()) {
            String path = todo.poll();
            for (String link : linksOn(path)) {
                links++;
                if (link.startsWith(ORIGIN + "/")) {
                    sameHost++;
                    String target = link.substring(ORIGIN.length());
                    assertThat(manifest).as("link to %s on %s", target, path).contains(target);
                    if (reached.add(target)) {
                        todo.add(target);
                    }
                }
            }
        }
        assertThat(reached).containsExactlyInAnyOrderElementsOf(manifest);
        // Heavy cross-linking: about a hundred same-host links per page, nearly all of them to pages seen before.
        assertThat((double) sameHost / PAGES).isBetween(80.0, 120.0);
        assertThat(links - sameHost).isEqualTo(3L * PAGES);
    }

    @Test
    void sizesRangeFromTwoKilobytesToMegabytesAndAverageAboutTwentyFive() {
        DocSiteGraph graph = new DocSiteGraph(10_000, 42);
        long total = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int page = 0; page < graph.pages(); page++) {
            int size = graph.sizeOf(page);
            total += size;
            min = Math.min(min, size);
            max = Math.max(max, size);
        }
        assertThat(min).isEqualTo(DocSiteGraph.MIN_BYTES);
        assertThat(max).isGreaterThan(2 << 20).isLessThanOrEqualTo(DocSiteGraph.MAX_BYTES);
        assertThat(total / graph.pages()).isBetween(20_000L, 30_000L);
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOthers(@TempDir Path again, @TempDir Path other) throws IOException {
        DocSiteGenerator.Summary first = DocSiteGenerator.write(new DocSiteGraph(300, 42), dir);
        DocSiteGenerator.Summary second = DocSiteGenerator.write(new DocSiteGraph(300, 42), again);
        DocSiteGenerator.write(new DocSiteGraph(300, 7), other);

        assertThat(second).isEqualTo(first);
        for (String path : Files.readAllLines(dir.resolve(DocSiteGenerator.MANIFEST))) {
            assertThat(Files.readAllBytes(fileOf(again, path))).isEqualTo(Files.readAllBytes(fileOf(dir, path)));
        }
        assertThat(Files.readString(other.resolve("index.html"))).isNotEqualTo(Files.readString(dir.resolve("index.html")));
    }

    @Test
    void relativeReferencesResolveToTheirTarget() {
        for (String from : List.of("/", "/docs/a/", "/docs/a/x.html", "/docs/b/y.html")) {
            for (String to : List.of("/", "/docs/a/", "/docs/a/x.html", "/docs/b/", "/docs/b/z.html")) {
                assertThat(URI.create(ORIGIN + from).resolve(DocPageRenderer.relative(from, to)).getPath())
                        .as("%s -> %s", from, to)
                        .isEqualTo(to);
            }
        }
    }

    /** The absolute links of a page, without fragments, as a browser resolves them. */
    private List<String> linksOn(String path) throws IOException {
        String html = Files.readString(fileOf(dir, path));
        URI base = URI.create(ORIGIN + path);
        Matcher matcher = HREF.matcher(html);
        List<String> links = new ArrayList<>();
        while (matcher.find()) {
            URI link = base.resolve(matcher.group(1));
            links.add(link.getScheme() + ":" + link.getRawSchemeSpecificPart());
        }
        return links;
    }

    private static Path fileOf(Path root, String path) {
        return root.resolve((path.endsWith("/") ? path + "index.html" : path).substring(1));
    }
}
