package io.streamcrawl.job.parse;

import io.streamcrawl.testing.DocSiteGenerator;
import io.streamcrawl.testing.DocSiteGraph;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HtmlScanner} against jsoup's tree, the reference: on every page where the scanner answers,
 * the same title, base, {@code <a href>} values in order, canonical link and language, on the
 * benchmark site's pages (where it must always answer), on thousands of generated random documents
 * and on the malformed pages of the other parser tests.
 */
class HtmlScannerTest {
    private static final String PAGE_URL = "http://127.0.0.1:18090/docs/page.html";

    @Test
    void readsEveryPageOfTheBenchmarkSiteAsJsoupDoes() {
        DocSiteGraph graph = new DocSiteGraph(10_000, 42);
        for (int page = 0; page < 1_000; page++) {
            String html = DocSiteGenerator.render(graph, page);
            String url = "http://127.0.0.1:18090" + graph.pathOf(page);

            assertThat(HtmlScanner.scan(html, url)).as("page %d", page).contains(jsoup(html, url));
        }
    }

    @Test
    void isJsoupOrUnsureOnRandomDocuments() {
        Random random = new Random(17);
        int scanned = 0;
        int documents = 10_000;
        for (int doc = 0; doc < documents; doc++) {
            String html = RandomHtml.document(random);
            Optional<ScannedHtml> result = HtmlScanner.scan(html, PAGE_URL);
            if (result.isPresent()) {
                scanned++;
                assertThat(result.get()).as("document %d: %s", doc, html).isEqualTo(jsoup(html, PAGE_URL));
            }
        }
        // The pieces include many constructs the scanner leaves to jsoup; still, it reads a good share.
        assertThat(scanned).isGreaterThan(documents * 2 / 5);
    }

    @Test
    void givesTheExtractorJsoupsLinksOnRandomDocumentsWithBrokenUtf8() {
        Random random = new Random(5);
        for (int doc = 0; doc < 5_000; doc++) {
            byte[] body = RandomHtml.document(random).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 3 && body.length > 0; i++) {
                body[random.nextInt(body.length)] = (byte) (0x80 + random.nextInt(128));
            }
            HtmlContent scanned = HtmlExtractor.extract(body, "text/html; charset=utf-8", PAGE_URL, url -> true, 10_000, 100_000, HtmlExtractor.TextNeed.NONE);
            HtmlContent parsed = HtmlExtractor.extract(body, "text/html; charset=utf-8", PAGE_URL, url -> true, 10_000, 100_000, HtmlExtractor.TextNeed.EXACT);

            assertThat(scanned).as("document %d: %s", doc, new String(body, StandardCharsets.UTF_8))
                    .isEqualTo(new HtmlContent(parsed.title(), parsed.links(), parsed.canonical(), null, parsed.lang()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<a href=/one>1</a><!-- <a href=/commented> --><a href=/two>2</a>",
        "<!--><a href=/a1><!---><a href=/a2><!-- x --!><a href=/a3><!-- -- ><a href=/hidden> -->",
        "<script>document.write('<a href=\"/scripted\">x</a>')</script><a href=/after-script>",
        "<script><!-- <a href=/in-escaped-script> </script> --></script><a href=/after>",
        "<p><![CDATA[ <a href=/in-cdata> ]]><a href=/after-cdata>",
        "<p><![CDATA[ x > <a href=/after-bogus-comment> ]]><a href=/out><![CDATA[ <a href=/unterminated> ]]",
        "<a href=unquoted&amp;x=1&lt>u</a><a href='single&#47;quoted'>s</a><a href=\"&notanentity;&amp\">d</a>",
        "<A HREF=/upper>U</A><a href=/first href=/second>dup</a><a/href=/slash>s</a><a href = \"/spaced\" >",
        "<a href=/nul\u0000char>n</a><a href='/ctl\u0001\u000b'>c</a><a\u0001 href=/ctl-name>x</a>",
        "<form><a href=/f1></a><form><a href=/nested-form></a></form></form>",
        "<title>no end <a href=/x>x</a>",
        "<title>T</title><title>second</title><a href=/a><title>in body</title>",
        "<table><tr><td><a href=/cell></td></tr><a href=/fostered></table>",
        "<select><a href=/in-select></select><a href=/after-select>",
        "<svg><a href=/in-svg></a></svg><math><a href=/in-math></a></math>",
        "<template><a href=/in-template></a></template>",
        "<html lang=fr><head><base href=/base/><link rel=' Canonical ' href=canon></head><html lang=de><a href=rel>",
        "<base href=\"http://[broken/\"><base href=/second/><a href=x>",
        "<noscript><a href=/ns></a></noscript><noscript><title>t</title></noscript>",
        "<a href=\"/unterminated",
        "<a href=/end-in-tag",
        "<textarea><a href=/in-textarea></textarea><xmp><a href=/in-xmp></xmp><a href=/ok>",
        "<plaintext><a href=/plain>",
        "\r\n<title>\r\n crlf\r\n</title>\r\n<a href='/cr\rlf\r\n'>",
    })
    void isJsoupOrUnsureOnMalformedMarkup(String html) {
        HtmlScanner.scan(html, PAGE_URL).ifPresent(scanned -> assertThat(scanned).isEqualTo(jsoup(html, PAGE_URL)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"broken.html", "base-href.html", "windows-1252-meta.html"})
    void isJsoupOrUnsureOnThePagesOfTheParserTests(String name) throws IOException {
        String html = parserTestPage(name);
        HtmlScanner.scan(html, PAGE_URL).ifPresent(scanned -> assertThat(scanned).isEqualTo(jsoup(html, PAGE_URL)));
    }

    /** A page of the parser tests' resources, decoded with its charset. */
    static String parserTestPage(String name) throws IOException {
        Charset charset = name.startsWith("windows-1252") ? Charset.forName("windows-1252") : StandardCharsets.UTF_8;
        try (InputStream in = HtmlScannerTest.class.getResourceAsStream("/parse/" + name)) {
            return new String(in.readAllBytes(), charset);
        }
    }

    @Test
    void leavesToJsoupWhatOnlyItsTreeBuilderKnows() {
        assertThat(HtmlScanner.scan("<table><tr><td>x</td></tr><a href=/moved></table>", PAGE_URL)).isEmpty();
        assertThat(HtmlScanner.scan("<select><a href=/dropped></select>", PAGE_URL)).isEmpty();
        assertThat(HtmlScanner.scan("<script><!--<script></script>--></script>", PAGE_URL)).isEmpty();
        assertThat(HtmlScanner.scan("<a href=/x", PAGE_URL)).isEmpty();
    }

    /** What jsoup's tree says, read as {@link HtmlExtractor} reads it. */
    static ScannedHtml jsoup(String html, String pageUrl) {
        Document document = Jsoup.parse(html, pageUrl);
        Set<String> hrefs = new LinkedHashSet<>();
        String canonical = null;
        for (Element element : document) {
            if (element.nameIs("a") && element.hasAttr("href")) {
                assertThat(element.baseUri()).isEqualTo(document.baseUri());
                hrefs.add(element.attr("href"));
            } else if (canonical == null && element.nameIs("link") && element.hasAttr("href")
                    && element.attr("rel").trim().equalsIgnoreCase("canonical")) {
                canonical = element.attr("href");
            }
        }
        Element root = document.selectFirst("html");
        String lang = root == null || !root.hasAttr("lang") ? null : root.attr("lang");
        return new ScannedHtml(document.title(), document.baseUri(), List.copyOf(hrefs), canonical, lang, null);
    }

    /** Random documents from pieces of ordinary and malformed markup. */
    static final class RandomHtml {
        private static final String[] HREFS = {
            "/a", "b.html", "../c", "http://example.org/d", "#frag", "javascript:x()", "", " /sp ace ",
            "/q?x=1&amp;y=2", "/e&notanentity;", "/f&#47;g", "/n\u0000ul", "mailto:x@y", "//other.org/x",
            "HTTP://EXAMPLE.ORG/U", "/amp&amp", "/lt&lt;x", "/cr\rlf", "/x&#0;y", "/tab\tbed", "/\u00e9t\u00e9",
        };
        private static final String[] PIECES = {
            "<p>", "</p>", "<div>", "</div>", "<span>", "</span>", "<b>", "</b>", "<i>", "</i>", "<br>", "</br>",
            "<br/>", "<ul><li>", "</li>", "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<th>",
            "<caption>", "</caption>", "<tbody>", "<form>", "</form>", "<select>", "<option>", "</select>", "<svg>",
            "</svg>", "<math>", "<template>", "</template>", "<noscript>", "</noscript>", "<head>", "</head>",
            "<body>", "</body>", "</html>", "<html>", "<html lang=en>", "<html lang='de-DE'>", "<html LANG=\"x\">",
            "<!DOCTYPE html>", "<!-- c -->", "<!-- <a href=/c> -->", "<!-->", "<!--->", "<!-- --!>", "<!-- -- >",
            "<!--", "<![CDATA[ <a href=/cd> ]]>", "<![CDATA[ ]]>", "<![CDATA[ x > <a href=/cdx> ]]>", "<![CDATA[ ]]", "<?php x ?>", "</>", "< a", "<", "&",
            "&amp;", "&lt;a href=/t&gt;", "&#32;", "&nbsp;", " ", "\n", "\t", "\r\n", "text", "\u0000", "\u0001",
            "\u000b", "<script>var a = '<a href=/s>';</script>", "<script><!-- x --></script>", "<script>",
            "</script>", "<style>a{}</style>", "<style>", "<textarea><a href=/ta></textarea>", "<xmp><a href=/x></xmp>",
            "<iframe><a href=/if></iframe>", "<noembed>x</noembed>", "<noframes><a href=/nf></noframes>",
            "<title>", "</title>", "<title>A &amp; B</title>", "<TITLE> t\u00a0x </TITLE>", "</title >",
            "</titlex>", "<base href=/b/>", "<base href='http://other.org/base/'>", "<base target=x>",
            "<link rel=canonical href=/can>", "<link rel='CANONICAL ' href=can2>", "<link rel=stylesheet href=/s.css>",
            "<link href=/nocanon>", "<meta charset=utf-8>", "<meta name=robots content=nofollow>", "<area href=/ar>",
            "<frameset>", "<plaintext>", "<img src=/i.png>", "<input type=hidden>", "<button>", "</a>", "<a>",
            "<p id='>'>", "<div title=\"a<b\">", "<a href=/lt<b>", "<span\u0000>", "<a\u0001 href=/ctl>", "<isindex>",
            "<col>", "<colgroup>", "<thead>", "<tfoot>",
        };

        static String document(Random random) {
            StringBuilder html = new StringBuilder();
            for (int part = random.nextInt(30); part > 0; part--) {
                if (random.nextInt(4) == 0) {
                    html.append(anchor(random));
                } else {
                    html.append(PIECES[random.nextInt(PIECES.length)]);
                }
            }
            if (random.nextInt(8) == 0) {
                html.setLength(random.nextInt(html.length() + 1));   // cut anywhere, as a truncated body is
            }
            return html.toString();
        }

        private static String anchor(Random random) {
            String href = HREFS[random.nextInt(HREFS.length)];
            String name = random.nextInt(6) == 0 ? "A" : "a";
            String attr = random.nextInt(6) == 0 ? "HREF" : "href";
            String value = switch (random.nextInt(4)) {
                case 0 -> "\"" + href.replace("\"", "") + "\"";
                case 1 -> "'" + href.replace("'", "") + "'";
                case 2 -> href.isEmpty() || href.contains(" ") || href.contains("\t") ? "\"" + href + "\"" : href;
                default -> "\"" + href + "\" ";
            };
            String equals = random.nextInt(5) == 0 ? " = " : "=";
            String extra = switch (random.nextInt(6)) {
                case 0 -> " " + attr + "=/dup";
                case 1 -> " class=x";
                case 2 -> "/";
                default -> "";
            };
            return "<" + name + " " + attr + equals + value + extra + ">" + (random.nextBoolean() ? "link</a>" : "");
        }
    }
}
