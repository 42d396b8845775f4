package io.streamcrawl.job.parse;

import io.streamcrawl.job.dedup.SimHash;
import io.streamcrawl.job.url.TaskScope;
import io.streamcrawl.testing.DocSiteGenerator;
import io.streamcrawl.testing.DocSiteGraph;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * JMH: parsing one page of the benchmark site of about 25 KB with about 100 links, as the page
 * parser does it ({@link HtmlExtractor}: jsoup parse, title, every {@code a[href]} resolved,
 * normalized, scope-filtered and de-duplicated, and the text), the same without the text, read by
 * {@link HtmlScanner} instead of jsoup's tree, and jsoup's parse alone for comparison; the SimHash
 * the page parser computes of the page's text for near-duplicate detection; and the page parser's
 * whole work with near-duplicate detection on, from jsoup's text (as when the text is kept) and
 * from the scanner's words (the default).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LinkExtractionBenchmark {
    private static final int TARGET_BYTES = 25_000;
    private static final String ORIGIN = "http://127.0.0.1:18090";

    private byte[] body;
    private String pageUrl;
    private TaskScope scope;
    private String text;

    @Setup
    public void setUp() {
        DocSiteGraph graph = new DocSiteGraph(10_000, 42);
        int page = 1;
        for (int p = 1; p < graph.pages(); p++) {
            if (Math.abs(graph.sizeOf(p) - TARGET_BYTES) < Math.abs(graph.sizeOf(page) - TARGET_BYTES)) {
                page = p;
            }
        }
        body = DocSiteGenerator.render(graph, page).getBytes(StandardCharsets.UTF_8);
        pageUrl = ORIGIN + graph.pathOf(page);
        scope = TaskScope.ofSeeds(List.of(ORIGIN + "/"));
        HtmlContent content = HtmlExtractor.extract(body, "text/html; charset=utf-8", pageUrl, scope::allows, 10_000, 100_000, HtmlExtractor.TextNeed.EXACT);
        text = content.text();
        System.out.printf("%npage %s: %d bytes, %d distinct in-scope links, %d characters of text%n",
                pageUrl, body.length, content.links().size(), text.length());
    }

    @Benchmark
    public HtmlContent parseAndExtractLinks() {
        return HtmlExtractor.extract(body, "text/html; charset=utf-8", pageUrl, scope::allows, 10_000, 100_000, HtmlExtractor.TextNeed.EXACT);
    }

    @Benchmark
    public HtmlContent scanAndExtractLinks() {
        return HtmlExtractor.extract(body, "text/html; charset=utf-8", pageUrl, scope::allows, 10_000, 100_000, HtmlExtractor.TextNeed.NONE);
    }

    @Benchmark
    public Document jsoupParseOnly() throws IOException {
        return Jsoup.parse(new ByteArrayInputStream(body), "UTF-8", pageUrl);
    }

    @Benchmark
    public OptionalLong simHashOfText() {
        return SimHash.of(text);
    }

    @Benchmark
    public OptionalLong parseTextAndSimHash() {
        return SimHash.of(HtmlExtractor.extract(body, "text/html; charset=utf-8", pageUrl, scope::allows, 10_000, 100_000,
                HtmlExtractor.TextNeed.EXACT).text());
    }

    @Benchmark
    public OptionalLong scanWordsAndSimHash() {
        return SimHash.of(HtmlExtractor.extract(body, "text/html; charset=utf-8", pageUrl, scope::allows, 10_000, 100_000,
                HtmlExtractor.TextNeed.WORDS).text());
    }
}
