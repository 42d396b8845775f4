package io.streamcrawl.job.url;

/**
 * Recognizes, in one pass over the characters, the absolute http(s) URLs that are already in the
 * normal form of {@link UrlNormalizer}: those crawler-commons' {@code BasicURLNormalizer} would
 * return unchanged. Most links on the web are, and parsing them through {@code java.net.URI} and
 * {@code URL} several times costs microseconds each.
 *
 * <p>The check is conservative: it accepts only a lower-case scheme, a lower-case ASCII host name
 * or IPv4 address without a trailing dot, an optional port other than the default, a path without
 * dot segments or empty segments, and a query whose parameters are sorted and non-empty, all in
 * characters that are never escaped or unescaped and without {@code %}. Everything else (and
 * anything it is unsure of) goes through the full normalizer. {@code NormalFormTest} compares the
 * two on a large set of generated URLs.
 */
final class NormalForm {
    private static final boolean[] PATH_CHARS = new boolean[128];

    static {
        String allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/";
        for (int i = 0; i < allowed.length(); i++) {
            PATH_CHARS[allowed.charAt(i)] = true;
        }
    }

    private NormalForm() {}

    /** Whether {@code url}, which has no fragment, is an absolute http(s) URL already in normal form. */
    static boolean isNormal(String url) {
        int defaultPort;
        int hostStart;
        if (url.startsWith("http://")) {
            defaultPort = 80;
            hostStart = 7;
        } else if (url.startsWith("https://")) {
            defaultPort = 443;
            hostStart = 8;
        } else {
            return false;
        }
        int pathStart = url.indexOf('/', hostStart);
        if (pathStart < 0) {
            return false;
        }
        int colon = url.lastIndexOf(':', pathStart);
        int hostEnd = colon < hostStart ? pathStart : colon;
        if (!isHost(url, hostStart, hostEnd)
                || hostEnd < pathStart && !isPort(url, hostEnd + 1, pathStart, defaultPort)) {
            return false;
        }
        int queryStart = url.indexOf('?', pathStart);
        int pathEnd = queryStart < 0 ? url.length() : queryStart;
        return isPath(url, pathStart, pathEnd) && (queryStart < 0 || isSortedQuery(url, queryStart + 1));
    }

    /** Dot-separated labels of [a-z0-9-] that neither start nor end with '-', the last starting with a letter; or IPv4. */
    private static boolean isHost(String url, int start, int end) {
        if (start >= end) {
            return false;
        }
        if (isIpv4(url, start, end)) {
            return true;
        }
        int labelStart = start;
        for (int i = start; i <= end; i++) {
            char c = i < end ? url.charAt(i) : '.';
            if (c == '.') {
                if (i == labelStart || url.charAt(labelStart) == '-' || url.charAt(i - 1) == '-') {
                    return false;
                }
                if (i == end && !isLetter(url.charAt(labelStart))) {
                    return false;
                }
                labelStart = i + 1;
            } else if (!isLetter(c) && !isDigit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** Four decimal numbers 0-255 without leading zeros. */
    private static boolean isIpv4(String url, int start, int end) {
        int parts = 0;
        int i = start;
        while (i < end && parts < 4) {
            int numberStart = i;
            int value = 0;
            while (i < end && isDigit(url.charAt(i)) && i - numberStart < 3) {
                value = value * 10 + url.charAt(i) - '0';
                i++;
            }
            int digits = i - numberStart;
            if (digits == 0 || value > 255 || digits > 1 && url.charAt(numberStart) == '0') {
                return false;
            }
            parts++;
            if (i < end && parts < 4) {
                if (url.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return parts == 4 && i == end;
    }

    private static boolean isPort(String url, int start, int end, int defaultPort) {
        int digits = end - start;
        if (digits < 1 || digits > 5 || url.charAt(start) == '0') {
            return false;
        }
        int port = 0;
        for (int i = start; i < end; i++) {
            char c = url.charAt(i);
            if (!isDigit(c)) {
                return false;
            }
            port = port * 10 + c - '0';
        }
        return port <= 65535 && port != defaultPort;
    }

    /** Safe characters only, and none of "//", "/.", "./" (the normalizer's test for a path to rewrite). */
    private static boolean isPath(String url, int start, int end) {
        char previous = 0;
        for (int i = start; i < end; i++) {
            char c = url.charAt(i);
            if (c >= 128 || !PATH_CHARS[c]
                    || previous == '/' && (c == '/' || c == '.')
                    || previous == '.' && c == '/') {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /**
     * A non-empty query of {@code name[=value]} parameters joined by '&amp;', names non-empty and
     * in ascending order, values non-empty when present: what the normalizer writes back as it was.
     */
    private static boolean isSortedQuery(String url, int start) {
        if (start >= url.length()) {
            return false;
        }
        String previousName = null;
        int paramStart = start;
        while (paramStart <= url.length()) {
            int paramEnd = url.indexOf('&', paramStart);
            if (paramEnd < 0) {
                paramEnd = url.length();
            }
            int equals = url.indexOf('=', paramStart);
            int nameEnd = equals < 0 || equals > paramEnd ? paramEnd : equals;
            if (nameEnd == paramStart || nameEnd < paramEnd && nameEnd + 1 == paramEnd) {
                return false;
            }
            for (int i = paramStart; i < paramEnd; i++) {
                char c = url.charAt(i);
                if (c >= 128 || !PATH_CHARS[c] && c != '?') {
                    return false;
                }
            }
            String name = url.substring(paramStart, nameEnd);
            if (previousName != null && previousName.compareTo(name) > 0) {
                return false;
            }
            previousName = name;
            paramStart = paramEnd + 1;
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
