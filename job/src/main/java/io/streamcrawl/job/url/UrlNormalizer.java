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
 * normalized, query parameters sorted; an IPv6 literal host compressed in brackets
 * ({@link Ipv6Literals}). URLs already in that form, most links once resolved, are
 * recognized in one pass ({@link NormalForm}) instead of being parsed several times over.
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
        String candidate = withoutTabsAndNewlines(url).strip();
        // BasicURLNormalizer prefixes http:// to scheme-less input; here that input is invalid.
        if (!HTTP_SCHEME.matcher(candidate).find()) {
            return Optional.empty();
        }
        int fragment = candidate.indexOf('#');
        String withoutFragment = fragment < 0 ? candidate : candidate.substring(0, fragment);
        return NormalForm.isNormal(withoutFragment) ? Optional.of(withoutFragment) : normalizeFully(candidate);
    }

    /** What {@link #normalize} gives for a stripped URL with an http(s) scheme, without the shortcut. */
    static Optional<String> normalizeFully(String candidate) {
        Hosts.HostSpan span = Hosts.hostSpan(candidate);
        if (span.start() < candidate.length() && candidate.charAt(span.start()) == '[') {
            return Ipv6Literals.normalize(candidate, span, UrlNormalizer::normalizeNamed);
        }
        return normalizeNamed(candidate);
    }

    /** {@link #normalizeFully} of a URL whose host is a name or an IPv4 address. */
    private static Optional<String> normalizeNamed(String candidate) {
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
     * result is not an http(s) URL. {@link LinkResolver} does the same for the many links of a page.
     */
    public static Optional<String> resolve(String base, String href) {
        if (base == null || href == null) {
            return Optional.empty();
        }
        return parseBase(base).flatMap(baseUrl -> resolveAgainst(baseUrl, href));
    }

    /** The base URL links are resolved against; empty when it is not a URL. */
    static Optional<URL> parseBase(String base) {
        try {
            return Optional.of(new URL(base));
        } catch (MalformedURLException e) {
            return Optional.empty();
        }
    }

    static Optional<String> resolveAgainst(URL base, String href) {
        String relative = withoutTabsAndNewlines(href).strip();
        if (hasOtherScheme(relative)) {
            return Optional.empty();
        }
        if (isPlainRootPath(relative) && base.getAuthority() != null && !base.getAuthority().isEmpty()) {
            // What java.net.URL gives for it, without parsing: most links on a site are such paths.
            return normalize(base.getProtocol() + "://" + base.getAuthority() + relative);
        }
        try {
            // java.net.URL resolves "?q" against the base's directory (RFC 2396); RFC 3986 keeps the path.
            if (relative.startsWith("?")) {
                relative = base.getPath() + relative;
            }
            return normalize(new URL(base, relative).toExternalForm());
        } catch (MalformedURLException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether an href is a path from the root ({@code /docs/a.html?q#f}) that java.net.URL
     * appends to the base's scheme and authority unchanged: not a network path ({@code //host}),
     * no dot segment it might remove (no {@code /.} at all), nothing at the end it would trim.
     */
    private static boolean isPlainRootPath(String href) {
        return href.startsWith("/") && !href.startsWith("//")
                && href.charAt(href.length() - 1) > ' ' && !href.contains("/.");
    }

    /**
     * Whether an href starts with a scheme other than http and https (mailto:, javascript:, tel:,
     * ...), which java.net.URL would either refuse with an exception or give a URL normalize()
     * refuses: skipping them early saves both. The scheme is what java.net.URL takes for one: the
     * text before the first ':' that comes before any '/', when it is a valid scheme name.
     */
    private static boolean hasOtherScheme(String href) {
        if (href.regionMatches(true, 0, "url:", 0, 4)) {
            return false; // java.net.URL drops this prefix: leave such links to it
        }
        int colon = href.indexOf(':');
        if (colon <= 0 || !isLetter(href.charAt(0))) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = href.charAt(i);
            if (c == '/') {
                return false;
            }
            if (!isLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        String scheme = href.substring(0, colon);
        return !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https");
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static String withoutTabsAndNewlines(String s) {
        boolean any = false;
        for (int i = 0; i < s.length() && !any; i++) {
            char c = s.charAt(i);
            any = c == '\t' || c == '\n' || c == '\r';
        }
        return any ? TAB_OR_NEWLINE.matcher(s).replaceAll("") : s;
    }
}
