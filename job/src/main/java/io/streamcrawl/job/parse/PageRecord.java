package io.streamcrawl.job.parse;

/**
 * The record of one fetched page, in the public wire format of {@code streamcrawl:pages}
 * (see DESIGN.md, "Wire formats"). {@code error} is null on success.
 *
 * @param location the target of a redirect (status 3xx), which the crawl follows as a new URL
 * @param canonical the page's canonical URL ({@code <link rel="canonical">}), when it names one
 */
public record PageRecord(
        String url,
        String finalUrl,
        String task,
        int depth,
        int status,
        String contentType,
        long contentLength,
        String title,
        int links,
        String fetchedAt,
        long fetchMs,
        String error,
        String location,
        String canonical) {}
