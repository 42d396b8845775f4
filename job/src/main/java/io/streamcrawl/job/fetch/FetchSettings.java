package io.streamcrawl.job.fetch;

/**
 * How to fetch the URLs of one task, taken from the task's spec.
 *
 * @param contentTypes the media types whose bodies are read; empty for any
 * @param maxInFlightPerHost requests of the task that may run at once against one host
 * @param sitemaps whether the sitemaps a robots.txt lists are read
 * @param maxRedirects the longest chain of redirects followed from a URL
 */
public record FetchSettings(
        String userAgent,
        int timeoutMs,
        long maxBytes,
        String[] contentTypes,
        int maxInFlightPerHost,
        boolean sitemaps,
        int maxRedirects) {}
