package io.streamcrawl.job.url;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves and normalizes the links of one page, exactly as {@link UrlNormalizer#resolve} does,
 * with less work: the base URL is parsed once, and each distinct href once (navigation and
 * "top" links repeat on most pages). Not thread-safe: one per page.
 */
public final class LinkResolver {
    private final Map<String, Optional<String>> resolved = new HashMap<>();
    private String base;
    private Optional<URL> baseUrl = Optional.empty();

    /**
     * The normal form of {@code href} resolved against {@code base}; empty when either is invalid
     * or the result is not an http(s) URL. A page's links all share its base (its URL or its
     * {@code <base href>}); should the base change, what was resolved against the old one is dropped.
     */
    public Optional<String> resolve(String base, String href) {
        if (base == null || href == null) {
            return Optional.empty();
        }
        if (!base.equals(this.base)) {
            this.base = base;
            baseUrl = UrlNormalizer.parseBase(base);
            resolved.clear();
        }
        return resolved.computeIfAbsent(href, h -> baseUrl.flatMap(url -> UrlNormalizer.resolveAgainst(url, h)));
    }
}
