package io.streamcrawl.job.parse;

import io.streamcrawl.job.dedup.SimHash;
import io.streamcrawl.testing.DocSiteGenerator;
import io.streamcrawl.testing.DocSiteGraph;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The words {@link HtmlScanner} reads of a page's body ({@link BodyWords}) against jsoup's tree, the
 * reference: wherever the scanner answers, the SimHash of its words is that of {@link VisibleText}'s
 * text, on the benchmark site's pages (where it must answer unless the text may reach the bound at
 * which VisibleText cuts it), on thousands of generated random documents and on the malformed pages
 * of the parser tests.
 */
class BodyWordsTest {
    private static final String PAGE_URL = "http://127.0.0.1:18090/docs/page.html";
    private static final int MAX_TEXT_CHARS = 100_000;

    @Test
    void hashesEveryPageOfTheBenchmarkSiteAsJsoupsTextHashes() {
        DocSiteGraph graph = new DocSiteGraph(10_000, 42);
        int answered = 0;
        for (int page = 0; page < 1_000; page++) {
            String html = DocSiteGenerator.render(graph, page);
            String url = "http://127.0.0.1:18090" + graph.pathOf(page);

            Optional<ScannedHtml> scanned = HtmlScanner.scanWithWords(html, url, MAX_TEXT_CHARS);

            // A page no longer than the bound has a shorter text, which VisibleText does not cut.
            if (html.length() <= MAX_TEXT_CHARS) {
                assertThat(scanned).as("page %d", page).isPresent();
            }
            if (scanned.isPresent()) {
                answered++;
                assertThat(SimHash.of(scanned.get().words())).as("page %d: %s", page, scanned.get().words())
                        .isEqualTo(jsoupSimHash(html, MAX_TEXT_CHARS));
            }
        }
        // 20 of these pages are longer than the bound; 13 of them may have a longer text.
        assertThat(answered).isEqualTo(987);
    }

    @Test
    void hashesAsJsoupOrIsUnsureOnRandomDocuments() {
        Random random = new Random(17);
        int answered = 0;
        int documents = 10_000;
        for (int doc = 0; doc < documents; doc++) {
            String html = HtmlScannerTest.RandomHtml.document(random);
            Optional<ScannedHtml> scanned = HtmlScanner.scanWithWords(html, PAGE_URL, MAX_TEXT_CHARS);
            if (scanned.isPresent()) {
                answered++;
                assertThat(SimHash.of(scanned.get().words())).as("document %d: %s", doc, html)
                        .isEqualTo(jsoupSimHash(html, MAX_TEXT_CHARS));
            }
        }
        // The words add few reasons to be unsure to those of the links (about 44% answered).
        assertThat(answered).isGreaterThan(documents / 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // joined or split by the tags between them, as VisibleText does it
        "foo<b>bar</b>baz", "foo<p>bar", "foo<br>bar", "foo</br>bar", "foo<div>bar</div>baz", "a<span>b<i>c</i>d</span>e",
        "<table><tr><th>Key</th><th>Type</th></tr><tr><td><code>a.b</code></td><td>c</td></tr></table>",
        "foo<!-- c -->bar", "foo</body>bar", "foo</html>bar", "foo<td>bar", "foo<script>x</script>bar",
        "<p>foo</p><!-- c -->bar", "<div>foo</div>bar", "<b>foo<div>bar</div></b>baz", "<span>a<br>b</span>c",
        "<a href=1>x<a href=2>y</a>z", "<b><i>x</b>y</i>z", "<p><b>x</p>y", "foo<custom>bar", "foo<img>bar",
        "<title>t</title>x<title>in body</title>y", "x<textarea>\ny</textarea>z", "foo&amp;bar&eacute;t&eacute;",
        "foo&#0;bar", "soft\u00adhyphen", "zero\u200bwidth", "nul\u0000char", "\ud835<b>\udc00</b>", "x < y </",
        "<table>lost<tr><td>cell</table>", "<pre>\nfoo</pre>bar", "x<hr>y<wbr>z", "caf\u00e9<em>s</em>\u4e2d<b>\u6587</b>",
        "<head>  <title>t</title>  </head>  text <b>bold</b>", "&nbsp;<meta charset=utf-8>x", "x<form>y<form>z",
    })
    void hashesAsJsoupOrIsUnsureOnMalformedMarkup(String html) {
        HtmlScanner.scanWithWords(html, PAGE_URL, MAX_TEXT_CHARS).ifPresent(scanned ->
                assertThat(SimHash.of(scanned.words())).as(scanned.words()).isEqualTo(jsoupSimHash(html, MAX_TEXT_CHARS)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"broken.html", "base-href.html", "windows-1252-meta.html"})
    void hashesAsJsoupOrIsUnsureOnThePagesOfTheParserTests(String name) throws IOException {
        String html = HtmlScannerTest.parserTestPage(name);
        HtmlScanner.scanWithWords(html, PAGE_URL, MAX_TEXT_CHARS).ifPresent(scanned ->
                assertThat(SimHash.of(scanned.words())).isEqualTo(jsoupSimHash(html, MAX_TEXT_CHARS)));
    }

    @Test
    void joinsAcrossPlainInlineTagsAndSplitsAtBlocks() {
        assertThat(words("<p>foo<b>bar</b>baz</p>")).isEqualTo("foobarbaz");
        assertThat(words("foo<!-- c --><span>bar</span>")).isEqualTo("foobar");
        assertThat(words("foo<p>bar")).isEqualTo("foo bar");
        assertThat(words("<table><tr><td>a</td><td>b</td></tr></table>")).isEqualTo("a b");
        assertThat(words("<p>a <script>x</script>b&amp;c</p>")).isEqualTo("a  b&c");
    }

    @Test
    void leavesToJsoupWhatOnlyItsTreeKnows() {
        assertThat(HtmlScanner.scanWithWords("foo<custom>bar", PAGE_URL, MAX_TEXT_CHARS)).isEmpty();
        assertThat(HtmlScanner.scanWithWords("<p>foo</p><!-- c -->bar", PAGE_URL, MAX_TEXT_CHARS)).isEmpty();
        assertThat(HtmlScanner.scanWithWords("<b>foo<div>bar</div></b>baz", PAGE_URL, MAX_TEXT_CHARS)).isEmpty();
        assertThat(HtmlScanner.scanWithWords("soft\u00adhyphen", PAGE_URL, MAX_TEXT_CHARS)).isEmpty();
        assertThat(HtmlScanner.scanWithWords("<table>moved<tr><td>x</table>", PAGE_URL, MAX_TEXT_CHARS)).isEmpty();
        // The text could be longer than VisibleText's bound, which would cut it.
        assertThat(HtmlScanner.scanWithWords("<p>" + "word ".repeat(20) + "<p>end", PAGE_URL, 100)).isEmpty();
        assertThat(HtmlScanner.scanWithWords("<p>" + "word ".repeat(20) + "<p>end", PAGE_URL, 110)).isPresent();
    }

    private static String words(String html) {
        return HtmlScanner.scanWithWords(html, PAGE_URL, MAX_TEXT_CHARS).orElseThrow().words();
    }

    /** What the page parser hashes when it parses the page into jsoup's tree. */
    static OptionalLong jsoupSimHash(String html, int maxTextChars) {
        return SimHash.of(VisibleText.of(Jsoup.parse(html, PAGE_URL).body(), maxTextChars, html.length()));
    }
}
