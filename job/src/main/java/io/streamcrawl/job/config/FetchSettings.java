package io.streamcrawl.job.config;

import io.streamcrawl.job.url.Hosts;

/**
 * How to fetch the URLs of one task, taken from the task's spec.
 *
 * @param contentTypes the media types whose bodies are read; empty for any
 * @param maxInFlightPerHost requests of the task that may run at once against one host
 * @param sitemaps whether the sitemaps a robots.txt lists are read
 * @param maxRedirects the longest chain of redirects followed from a URL
 * @param allowPrivate whether any host may be a private address (the SSRF guard is off)
 * @param privateHosts hosts that may be private addresses all the same (a seed's host given on
 *     the command line): names or IP literals as in URLs, case-insensitive, IPv6 with or without
 *     brackets
 */
public record FetchSettings(
        String userAgent,
        int timeoutMs,
        long maxBytes,
        String[] contentTypes,
        int maxInFlightPerHost,
        boolean sitemaps,
        int maxRedirects,
        boolean allowPrivate,
        String[] privateHosts) {

    /**
     * Whether the task may reach {@code host} (as {@link Hosts#hostOf} gives it, or okhttp's
     * {@code HttpUrl.host()}: IPv6 without brackets) at a private address.
     */
    public boolean allowsPrivate(String host) {
        if (allowPrivate) {
            return true;
        }
        if (privateHosts == null || host == null) {
            return false;
        }
        String canonical = Hosts.canonical(host);
        for (String allowed : privateHosts) {
            if (allowed != null && Hosts.canonical(allowed).equals(canonical)) {
                return true;
            }
        }
        return false;
    }
}
