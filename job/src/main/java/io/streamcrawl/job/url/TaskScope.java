package io.streamcrawl.job.url;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The part of a task's spec that decides which URLs belong to the task: host patterns
 * ({@code example.org} or {@code *.example.org}), URL regexes to include and exclude, and a
 * maximum URL length. Travels with each fetch request so the parser can drop out-of-scope
 * links before they reach the frontier.
 *
 * <p>A plain record so that Flink serializes it as a POJO; the matching lives in
 * {@link ScopeMatcher}. Equality compares the arrays' contents.
 */
public record TaskScope(String[] hosts, String[] include, String[] exclude, int maxUrlLength) {
    private static final String[] NONE = new String[0];

    /**
     * The default scope of a task: exactly the hosts of its seeds, no URL patterns and no length
     * limit. Seeds that are not valid http(s) URLs contribute no host.
     */
    public static TaskScope ofSeeds(List<String> seeds) {
        return ofSeeds(seeds, 0);
    }

    /** Like {@link #ofSeeds(List)}, with a maximum URL length (0 for none). */
    public static TaskScope ofSeeds(List<String> seeds, int maxUrlLength) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String seed : seeds) {
            UrlNormalizer.normalize(seed).flatMap(Hosts::hostOf).ifPresent(hosts::add);
        }
        return new TaskScope(hosts.toArray(NONE), NONE, NONE, maxUrlLength);
    }

    /**
     * Whether a normalized URL belongs to the task: not longer than {@code maxUrlLength} (when
     * positive), its host matches one of {@code hosts} (an exact host; {@code *.example.org} for
     * example.org and all its subdomains; {@code *} for any host; an IPv6 address in any of its
     * text forms, with or without brackets; no host patterns match no host), no {@code exclude} regex finds it, and one {@code include} regex finds it when there
     * are any. A regex that does not compile matches nothing.
     */
    public boolean allows(String normalizedUrl) {
        return ScopeMatcher.allows(this, normalizedUrl);
    }

    /** The first host pattern or regex of this scope that is invalid, with the reason. */
    public Optional<String> firstInvalidPattern() {
        return ScopeMatcher.firstInvalidPattern(this);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskScope that
                && maxUrlLength == that.maxUrlLength
                && Arrays.equals(hosts, that.hosts)
                && Arrays.equals(include, that.include)
                && Arrays.equals(exclude, that.exclude);
    }

    @Override
    public int hashCode() {
        int result = Arrays.hashCode(hosts);
        result = 31 * result + Arrays.hashCode(include);
        result = 31 * result + Arrays.hashCode(exclude);
        return 31 * result + maxUrlLength;
    }

    @Override
    public String toString() {
        return "TaskScope[hosts=" + Arrays.toString(hosts) + ", include=" + Arrays.toString(include)
                + ", exclude=" + Arrays.toString(exclude) + ", maxUrlLength=" + maxUrlLength + "]";
    }
}
