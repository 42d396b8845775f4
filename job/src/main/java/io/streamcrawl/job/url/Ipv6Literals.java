package io.streamcrawl.job.url;

import java.util.Optional;
import java.util.function.Function;

import okhttp3.HttpUrl;

/**
 * IPv6 literal hosts ({@code http://[2001:db8::1]:8080/}), which crawler-commons'
 * {@code BasicURLNormalizer} refuses (it escapes the brackets). Their one form is okhttp's, the
 * client that connects to them: lower case, zeros compressed as RFC 5952 says, in brackets. An
 * IPv4-mapped literal ({@code [::ffff:127.0.0.1]}) becomes the IPv4 address it maps to, as okhttp
 * does: that is the host a connection reaches. Zone IDs ({@code [fe80::1%25eth0]}) are refused, as
 * browsers do: they mean nothing outside the machine that wrote them.
 */
final class Ipv6Literals {
    /** Stands for the literal while the URL goes through the normalizer of host names, which keeps it as it is. */
    private static final String PLACEHOLDER = "ipv6-literal.invalid";

    private Ipv6Literals() {}

    /** The canonical form of an IPv6 address given with or without brackets; empty when it is not one. */
    static Optional<String> canonical(String literal) {
        boolean bracketed = literal.startsWith("[") && literal.endsWith("]");
        String bare = bracketed ? literal.substring(1, literal.length() - 1) : literal;
        if (bare.indexOf(':') < 0 || bare.indexOf('%') >= 0 || bare.indexOf('[') >= 0) {
            return Optional.empty();
        }
        try {
            String host = new HttpUrl.Builder().scheme("http").host(bare).build().host();
            return Optional.of(host.indexOf(':') < 0 ? host : "[" + host + "]");
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Normalizes a URL whose host, at {@code span}, starts with '[': {@code normalizer} (which
     * handles host names only) sees the URL with a placeholder name for the host, and the
     * canonical literal replaces it in the result. Empty when the host is no valid IPv6 literal or
     * the normalizer refuses the URL.
     */
    static Optional<String> normalize(String url, Hosts.HostSpan span, Function<String, Optional<String>> normalizer) {
        int close = url.indexOf(']', span.start());
        if (close < 0 || close >= span.authorityEnd() || close + 1 < span.authorityEnd() && url.charAt(close + 1) != ':') {
            return Optional.empty();
        }
        return canonical(url.substring(span.start(), close + 1)).flatMap(host ->
                normalizer.apply(url.substring(0, span.start()) + PLACEHOLDER + url.substring(close + 1)).flatMap(normalized -> {
                    Hosts.HostSpan at = Hosts.hostSpan(normalized);
                    return at != null && normalized.startsWith(PLACEHOLDER, at.start())
                            ? Optional.of(normalized.substring(0, at.start()) + host + normalized.substring(at.start() + PLACEHOLDER.length()))
                            : Optional.empty();
                }));
    }
}
