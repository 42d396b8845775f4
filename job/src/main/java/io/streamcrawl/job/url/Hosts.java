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
     * The lower-cased host of an absolute URL, without user info and port (an IPv6 literal keeps
     * its brackets); empty when the URL has no authority or an empty host.
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
        if (url == null) {
            return Optional.empty();
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            return Optional.empty();
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        return Optional.of(authority.substring(authority.lastIndexOf('@') + 1));
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
