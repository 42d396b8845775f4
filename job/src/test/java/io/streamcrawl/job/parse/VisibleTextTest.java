package io.streamcrawl.job.parse;

import io.streamcrawl.testing.DocSiteGenerator;
import io.streamcrawl.testing.DocSiteGraph;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link VisibleText} against what it replaces: jsoup's {@code Element.text()}, then cut at the bound. */
class VisibleTextTest {
    private static final int[] BOUNDS = {1, 2, 3, 7, 40, 1_000, 100_000};

    @Test
    void isJsoupsTextOnTheBenchmarkSitesPages() {
        DocSiteGraph graph = new DocSiteGraph(10_000, 42);
        for (int page = 0; page < 300; page++) {
            Element body = Jsoup.parse(DocSiteGenerator.render(graph, page), "http://127.0.0.1/").body();
            for (int bound : BOUNDS) {
                assertThat(VisibleText.of(body, bound, 1_000)).as("page %d, bound %d", page, bound)
                        .isEqualTo(cut(body.text(), bound));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " \n\t ",
        "  a  b\t\tc \r\n d  ",
        "<p>one</p><p>two</p>three<br>four<div> five </div>",
        "<span>in</span><span>line</span> <b>bold</b>text",
        "<span>x<div>block in inline</div></span>after<span>y</span>",
        "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td></td><td> </td><td>d</td></tr></table>e",
        "<pre>  keep\n   this  </pre> then  squeeze",
        "<div><pre><b><i><u><s><em><strong>deep  in   pre</strong></em></s></u></i></b></pre></div>",
        "<textarea>  kept\n\n  as is </textarea>x",
        "a&nbsp;&nbsp;b &#8203;c&shy;d \u200b e\u00a0\u00a0f",
        "\u200b \u00ad lead <p>\u00a0</p>",
        "<svg><![CDATA[  raw  cdata  ]]></svg> tail",
        "<script>var x = 1;</script><style>p {}</style>visible<noscript> ns </noscript>",
        "emoji \ud83d\ude00\ud83d\ude00 and\u0001control\u001f chars",
        "<ul><li>one<li>two</ul><ol><li> three </li></ol>",
        "<p></p><p> </p><div></div>x<br><br>y",
        "<h1>Title</h1><h2>Sub</h2><code>a  b</code><kbd>k</kbd>",
    })
    void isJsoupsTextOnCornerCases(String html) {
        Element body = Jsoup.parse(html).body();
        for (int bound : BOUNDS) {
            assertThat(VisibleText.of(body, bound, 16)).as("bound %d", bound).isEqualTo(cut(body.text(), bound));
        }
    }

    @Test
    void neverSplitsASurrogatePair() {
        Element body = Jsoup.parse("ab\ud83d\ude00cd").body();

        assertThat(VisibleText.of(body, 3, 16)).isEqualTo("ab");
        assertThat(VisibleText.of(body, 4, 16)).isEqualTo("ab\ud83d\ude00");
    }

    @Test
    void isJsoupsTextOnRandomMarkup() {
        String[] tags = {"p", "div", "span", "b", "br", "pre", "textarea", "td", "tr", "table", "li", "ul", "a",
            "h1", "code", "script", "style", "svg", "title", "section", "img", "button", "label", "option"};
        String[] texts = {" ", "  ", "\n", "\t", "\r\n", "&nbsp;", "\u00a0", "\u200b", "\u00ad", "word", "Wort",
            "\ud83d\ude00", "\u4e2d\u6587", "x\u0002y", "<![CDATA[ c d ]]>", "&amp;", "a b"};
        Random random = new Random(7);
        for (int doc = 0; doc < 2_000; doc++) {
            StringBuilder html = new StringBuilder();
            for (int part = random.nextInt(40); part > 0; part--) {
                String tag = tags[random.nextInt(tags.length)];
                switch (random.nextInt(3)) {
                    case 0 -> html.append('<').append(tag).append('>');
                    case 1 -> html.append("</").append(tag).append('>');
                    default -> html.append(texts[random.nextInt(texts.length)]);
                }
            }
            Element body = Jsoup.parse(html.toString()).body();
            for (int bound : BOUNDS) {
                assertThat(VisibleText.of(body, bound, 16)).as("%s, bound %d", html, bound)
                        .isEqualTo(cut(body.text(), bound));
            }
        }
    }

    /** What HtmlExtractor did before VisibleText. */
    private static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }
}
