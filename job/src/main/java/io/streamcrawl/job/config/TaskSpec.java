package io.streamcrawl.job.config;

import java.util.List;

/**
 * A crawl task as users write it at {@code /streamcrawl/tasks/<task>/spec} (see docs/task-spec.md).
 * Every field but {@code seeds} is optional; the compact constructors fill in
 * the defaults, which live here and nowhere else. 0 means unlimited for the limits.
 */
public record TaskSpec(
        List<String> seeds,
        Scope scope,
        Integer maxDepth,
        Long maxPages,
        Long maxPagesPerHost,
        Integer maxUrlLength,
        Politeness politeness,
        Robots robots,
        Fetch fetch,
        String recrawlAfter,
        String recrawlMin,
        String recrawlMax,
        Integer priority) {

    public static final String DEFAULT_USER_AGENT = "streamcrawl/0.1";

    public TaskSpec {
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        scope = scope == null ? new Scope(null, null, null, null, null) : scope;
        maxDepth = maxDepth == null ? 16 : maxDepth;
        maxPages = maxPages == null ? 0L : maxPages;
        maxPagesPerHost = maxPagesPerHost == null ? 0L : maxPagesPerHost;
        maxUrlLength = maxUrlLength == null ? 2048 : maxUrlLength;
        politeness = politeness == null ? new Politeness(null, null, null) : politeness;
        robots = robots == null ? new Robots(null, null) : robots;
        fetch = fetch == null ? new Fetch(null, null, null, null, null) : fetch;
        priority = priority == null ? 0 : priority;
    }

    /**
     * Which URLs belong to the task; empty {@code hosts} means the seeds' hosts. The SSRF guard
     * refuses hosts at loopback, private, link-local or metadata addresses unless
     * {@code allowPrivate} is true or the host is one of {@code allowPrivateHosts} (scripts/crawl.sh
     * lists the hosts of the seeds given on its command line there).
     */
    public record Scope(
            List<String> hosts, List<String> include, List<String> exclude, Boolean allowPrivate,
            List<String> allowPrivateHosts) {
        public Scope {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
            include = include == null ? List.of() : List.copyOf(include);
            exclude = exclude == null ? List.of() : List.copyOf(exclude);
            allowPrivate = allowPrivate != null && allowPrivate;
            allowPrivateHosts = allowPrivateHosts == null ? List.of() : List.copyOf(allowPrivateHosts);
        }
    }

    /** How gently the task treats each host. */
    public record Politeness(Long delayMs, Integer maxInFlightPerHost, Long maxCrawlDelayMs) {
        public Politeness {
            delayMs = delayMs == null ? 1000L : delayMs;
            maxInFlightPerHost = maxInFlightPerHost == null ? 1 : maxInFlightPerHost;
            maxCrawlDelayMs = maxCrawlDelayMs == null ? 30_000L : maxCrawlDelayMs;
        }
    }

    /** robots.txt handling. */
    public record Robots(Boolean obey, Boolean sitemaps) {
        public Robots {
            obey = obey == null || obey;
            sitemaps = sitemaps != null && sitemaps;
        }
    }

    /** How pages are fetched. */
    public record Fetch(String userAgent, Integer timeoutMs, Long maxBytes, List<String> contentTypes, Integer maxRedirects) {
        public Fetch {
            userAgent = userAgent == null ? DEFAULT_USER_AGENT : userAgent;
            timeoutMs = timeoutMs == null ? 30_000 : timeoutMs;
            maxBytes = maxBytes == null ? 10L * 1024 * 1024 : maxBytes;
            contentTypes = contentTypes == null ? List.of("text/html", "application/xhtml+xml") : List.copyOf(contentTypes);
            maxRedirects = maxRedirects == null ? 5 : maxRedirects;
        }
    }
}
