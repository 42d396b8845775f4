package io.streamcrawl.job.url;

import org.apache.datasketches.hash.MurmurHash3;
import org.apache.flink.util.Preconditions;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** The host and origin of a URL, and the frontier shard a host belongs to. */
public final class Hosts {
    private static final long SHARD_SEED = 0L;

    private Hosts() {}

    /**
     * The lower-cased host of an absolute URL, without user info and port; empty when the URL has
     * no authority or an empty host. An IPv6 literal keeps its brackets: {@code [2001:db8::1]} is
     * the host key (scheduler key, shard hash, scope patterns) of {@code http://[2001:db8::1]/}.
     */
    public static Optional<String> hostOf(String url) {
        return authorityOf(url).flatMap(authority -> {
            String host;
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                host = close < 0 ? "" : authority.substring(0, close + 1);
            } else {
                int colon = authority.lastIndexOf(':');
                host = colon < 0 ? authority : authority.substring(0, colon);
            }
            return host.isEmpty() ? Optional.empty() : Optional.of(host.toLowerCase(Locale.ROOT));
        });
    }

    /**
     * The origin of an absolute http(s) URL ({@code scheme://host[:port]}, as written in the URL,
     * without user info): what a robots.txt applies to. Empty when the URL has no host.
     */
    public static Optional<String> originOf(String url) {
        if (hostOf(url).isEmpty()) {
            return Optional.empty();
        }
        String scheme = url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT);
        return authorityOf(url).map(authority -> scheme + "://" + authority.toLowerCase(Locale.ROOT));
    }

    /** The authority of an absolute URL without its user info; empty when the URL has no {@code ://}. */
    private static Optional<String> authorityOf(String url) {
        HostSpan span = hostSpan(url);
        return span == null ? Optional.empty() : Optional.of(url.substring(span.start(), span.authorityEnd()));
    }

    /**
     * Where the host of an absolute URL starts (after {@code ://} and any user info) and where its
     * authority ends (at the first '/', '?' or '#', or the end); null when the URL has no {@code ://}.
     */
    static HostSpan hostSpan(String url) {
        if (url == null) {
            return null;
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            return null;
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return new HostSpan(Math.max(start, url.lastIndexOf('@', end - 1) + 1), end);
    }

    /** The positions {@link #hostSpan} gives. */
    record HostSpan(int start, int authorityEnd) {}

    /**
     * A host as a task spec names it (in a scope's hosts or its private hosts) in the form
     * {@link #hostOf} gives for the normalized URLs of that host: lower-case, and an IPv6 literal,
     * given with or without brackets, compressed in brackets ({@link Ipv6Literals#canonical}).
     */
    public static String canonical(String host) {
        String lower = host.strip().toLowerCase(Locale.ROOT);
        return lower.indexOf(':') < 0 ? lower : Ipv6Literals.canonical(lower).orElse(lower);
    }

    /**
     * The frontier shard of a host, in {@code [0, shards)}: the first 64 bits of MurmurHash3 x64
     * 128 (seed 0) of the lower-cased host's UTF-8 bytes, floor-modulo {@code shards}. Stable
     * across JVMs and languages (Python: {@code mmh3.hash64(host.encode())[0] % shards}).
     */
    public static int shardOf(String host, int shards) {
        Preconditions.checkNotNull(host, "host");
        Preconditions.checkArgument(shards > 0, "shards must be positive, was %s", shards);
        long[] hash = MurmurHash3.hash(host.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8), SHARD_SEED);
        return (int) Math.floorMod(hash[0], (long) shards);
    }
}
