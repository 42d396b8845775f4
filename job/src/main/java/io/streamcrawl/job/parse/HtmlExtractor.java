package io.streamcrawl.job.parse;

import io.streamcrawl.job.url.LinkResolver;
import io.streamcrawl.job.url.UrlNormalizer;
import okhttp3.MediaType;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Extracts the title, the links, the canonical URL, the visible text and the language attribute
 * of an HTML body with jsoup. The charset comes from a byte order mark, else the Content-Type
 * header, else a {@code <meta>} tag, else UTF-8; links are the {@code a[href]} of the page
 * resolved against its URL (or its {@code <base href>}), normalized with {@link UrlNormalizer}
 * (so only http/https), de-duplicated and capped. The text is that of the body without scripts
 * and styles, as jsoup's {@code text()} normalizes it, cut at a bound ({@link VisibleText}). When
 * the text is not wanted, or only its words (for the SimHash), {@link HtmlScanner} reads the rest
 * without jsoup's tree where it can be sure to give the same. Never throws on bad HTML: jsoup
 * repairs any markup.
 */
final class HtmlExtractor {
    private static final int MAX_TITLE_CHARS = 1024;

    /** How much of a page's text the caller needs. */
    enum TextNeed {
        NONE,
        /** A text with the words of the visible text in order, as the SimHash reads them. */
        WORDS,
        /** The visible text itself. */
        EXACT
    }

    private HtmlExtractor() {}

    /** Whether a Content-Type header names HTML ({@code text/html} or {@code application/xhtml+xml}). */
    static boolean isHtml(String contentType) {
        MediaType mediaType = contentType == null ? null : MediaType.parse(contentType);
        if (mediaType == null) {
            return false;
        }
        String essence = mediaType.type() + "/" + mediaType.subtype();
        return essence.equals("text/html") || essence.equals("application/xhtml+xml");
    }

    /**
     * Parses an HTML body served at {@code pageUrl}.
     *
     * @param keep which normalized links to keep (the task's scope)
     * @param maxLinks the most links to keep; the rest of the page is not examined
     * @param maxTextChars the most characters of text to keep
     * @param text how much of the text is wanted; unless the text itself, a page whose charset the
     *     Content-Type names (and no byte order mark overrides) is read by {@link HtmlScanner}, not
     *     parsed into jsoup's tree, unless the scanner is unsure
     */
    static HtmlContent extract(byte[] body, String contentType, String pageUrl, Predicate<String> keep, int maxLinks,
            int maxTextChars, TextNeed text) {
        if (body == null || body.length == 0) {
            return HtmlContent.NONE;
        }
        Charset charset = contentType == null ? null : charsetOf(contentType);
        if (text != TextNeed.EXACT && charset != null && !startsWithByteOrderMark(body)) {
            String html = new String(body, charset);
            Optional<ScannedHtml> scanned = text == TextNeed.WORDS
                    ? HtmlScanner.scanWithWords(html, pageUrl, maxTextChars) : HtmlScanner.scan(html, pageUrl);
            if (scanned.isPresent()) {
                return content(scanned.get(), keep, maxLinks);
            }
        }
        Document document = parse(body, charset, pageUrl);
        Set<String> links = new LinkedHashSet<>();
        LinkResolver resolver = new LinkResolver();
        Element canonical = null;
        // One walk over the elements finds what the selectors a[href] and link[rel=canonical][href]
        // would, in document order: each selector would walk the whole tree again.
        for (Element element : document) {
            if (isAnchor(element)) {
                // baseUri() is the <base href> when the page has one, else the page's URL.
                addLink(links, resolver, element.baseUri(), element.attr("href"), keep, maxLinks);
            } else if (canonical == null && isCanonical(element)) {
                canonical = element;
            }
        }
        String canonicalUrl = canonical == null
                ? null : UrlNormalizer.resolve(canonical.baseUri(), canonical.attr("href")).orElse(null);
        Element html = document.selectFirst("html");
        String lang = html == null || !html.hasAttr("lang") ? null : html.attr("lang");
        return new HtmlContent(title(document.title()), new ArrayList<>(links), canonicalUrl,
                text == TextNeed.NONE ? null : VisibleText.of(document.body(), maxTextChars, body.length), lang);
    }

    private static HtmlContent content(ScannedHtml scanned, Predicate<String> keep, int maxLinks) {
        Set<String> links = new LinkedHashSet<>();
        LinkResolver resolver = new LinkResolver();
        for (String href : scanned.hrefs()) {
            addLink(links, resolver, scanned.baseUri(), href, keep, maxLinks);
        }
        String canonicalUrl = scanned.canonicalHref() == null
                ? null : UrlNormalizer.resolve(scanned.baseUri(), scanned.canonicalHref()).orElse(null);
        return new HtmlContent(title(scanned.title()), new ArrayList<>(links), canonicalUrl, scanned.words(), scanned.lang());
    }

    private static void addLink(Set<String> links, LinkResolver resolver, String base, String href,
            Predicate<String> keep, int maxLinks) {
        if (links.size() < maxLinks) {
            resolver.resolve(base, href).filter(keep).ifPresent(links::add);
        }
    }

    /** The title as kept: cut at a bound, null when empty. */
    private static String title(String title) {
        if (title.isEmpty()) {
            return null;
        }
        return title.length() > MAX_TITLE_CHARS ? title.substring(0, MAX_TITLE_CHARS) : title;
    }

    /** A UTF-8 or UTF-16 byte order mark, which jsoup lets override the Content-Type's charset. */
    private static boolean startsWithByteOrderMark(byte[] body) {
        int b0 = body[0] & 0xff;
        int b1 = body.length > 1 ? body[1] & 0xff : -1;
        return b0 == 0xef && b1 == 0xbb || b0 == 0xfe && b1 == 0xff || b0 == 0xff && b1 == 0xfe;
    }

    /** {@code a[href]}. */
    private static boolean isAnchor(Element element) {
        return element.nameIs("a") && element.hasAttr("href");
    }

    /** {@code link[rel=canonical][href]}: jsoup compares the attribute's value trimmed and ignoring case. */
    private static boolean isCanonical(Element element) {
        return element.nameIs("link") && element.hasAttr("href")
                && element.attr("rel").trim().equalsIgnoreCase("canonical");
    }

    private static Document parse(byte[] body, Charset charset, String pageUrl) {
        try {
            return Jsoup.parse(new ByteArrayInputStream(body), charset == null ? null : charset.name(), pageUrl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an in-memory body of " + pageUrl, e);
        }
    }

    private static Charset charsetOf(String contentType) {
        MediaType mediaType = MediaType.parse(contentType);
        return mediaType == null ? null : mediaType.charset(null);
    }
}
