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
import java.util.Set;
import java.util.function.Predicate;

/**
 * Extracts the title, the links, the canonical URL, the visible text and the language attribute
 * of an HTML body with jsoup. The charset comes from a byte order mark, else the Content-Type
 * header, else a {@code <meta>} tag, else UTF-8; links are the {@code a[href]} of the page
 * resolved against its URL (or its {@code <base href>}), normalized with {@link UrlNormalizer}
 * (so only http/https), de-duplicated and capped. The text is that of the body without scripts
 * and styles, as jsoup's {@code text()} normalizes it, cut at a bound ({@link VisibleText}). Never
 * throws on bad HTML: jsoup repairs any markup.
 */
final class HtmlExtractor {
    private static final int MAX_TITLE_CHARS = 1024;

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
     */
    static HtmlContent extract(
            byte[] body, String contentType, String pageUrl, Predicate<String> keep, int maxLinks, int maxTextChars) {
        if (body == null || body.length == 0) {
            return HtmlContent.NONE;
        }
        Document document = parse(body, contentType, pageUrl);
        String title = document.title();
        if (title.length() > MAX_TITLE_CHARS) {
            title = title.substring(0, MAX_TITLE_CHARS);
        }
        Set<String> links = new LinkedHashSet<>();
        LinkResolver resolver = new LinkResolver();
        Element canonical = null;
        // One walk over the elements finds what the selectors a[href] and link[rel=canonical][href]
        // would, in document order: each selector would walk the whole tree again.
        for (Element element : document) {
            if (isAnchor(element)) {
                if (links.size() < maxLinks) {
                    // baseUri() is the <base href> when the page has one, else the page's URL.
                    resolver.resolve(element.baseUri(), element.attr("href")).filter(keep).ifPresent(links::add);
                }
            } else if (canonical == null && isCanonical(element)) {
                canonical = element;
            }
        }
        String canonicalUrl = canonical == null
                ? null : UrlNormalizer.resolve(canonical.baseUri(), canonical.attr("href")).orElse(null);
        Element html = document.selectFirst("html");
        String lang = html == null || !html.hasAttr("lang") ? null : html.attr("lang");
        return new HtmlContent(title.isEmpty() ? null : title, new ArrayList<>(links), canonicalUrl,
                VisibleText.of(document.body(), maxTextChars, body.length), lang);
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

    private static Document parse(byte[] body, String contentType, String pageUrl) {
        Charset charset = contentType == null ? null : charsetOf(contentType);
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
