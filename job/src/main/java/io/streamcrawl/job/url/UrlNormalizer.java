package io.streamcrawl.job.url;

import crawlercommons.filters.basic.BasicURLNormalizer;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Brings URLs to the one normal form the crawl deduplicates, fingerprints and shards on, with
 * crawler-commons' {@link BasicURLNormalizer}: fragment dropped, scheme and host lower-cased,
 * IDN hosts in punycode, default port removed, dot segments resolved, percent-encoding
 * normalized, query parameters sorted.
 *
 * <p>Only absolute {@code http} and {@code https} URLs with a host are valid; anything else
 * (mailto, javascript, relative, garbage) yields an empty result. Thread-safe: the underlying
 * normalizer is configured once and immutable.
 */
public final class UrlNormalizer {
    private static final BasicURLNormalizer NORMALIZER = BasicURLNormalizer.newBuilder()
            .idnNormalization(BasicURLNormalizer.IdnNormalization.PUNYCODE)
            .build();

    private static final Pattern HTTP_SCHEME = Pattern.compile("^https?://", Pattern.CASE_INSENSITIVE);
    // Browsers drop ASCII tab and newlines anywhere in a URL (WHATWG URL parsing).
    private static final Pattern TAB_OR_NEWLINE = Pattern.compile("[\\t\\n\\r]");

    private UrlNormalizer() {}

    /** The normal form of an absolute http(s) URL, or empty when it is not one. */
    public static Optional<String> normalize(String url) {
        if (url == null) {
            return Optional.empty();
        }
        String candidate = TAB_OR_NEWLINE.matcher(url).replaceAll("").strip();
        // BasicURLNormalizer prefixes http:// to scheme-less input; here that input is invalid.
        if (!HTTP_SCHEME.matcher(candidate).find()) {
            return Optional.empty();
        }
        String normalized;
        try {
            normalized = NORMALIZER.filter(candidate);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (normalized == null || !HTTP_SCHEME.matcher(normalized).find()) {
            return Optional.empty();
        }
        return Hosts.hostOf(normalized).map(host -> normalized);
    }

    /**
     * Resolves {@code href} against the absolute URL {@code base} (as a browser does for a link
     * on the page at {@code base}) and normalizes the result; empty when either is invalid or the
     * result is not an http(s) URL.
     */
    public static Optional<String> resolve(String base, String href) {
        if (base == null || href == null) {
            return Optional.empty();
        }
        String relative = TAB_OR_NEWLINE.matcher(href).replaceAll("").strip();
        try {
            URL baseUrl = new URL(base);
            // java.net.URL resolves "?q" against the base's directory (RFC 2396); RFC 3986 keeps the path.
            if (relative.startsWith("?")) {
                relative = baseUrl.getPath() + relative;
            }
            return normalize(new URL(baseUrl, relative).toExternalForm());
        } catch (MalformedURLException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
