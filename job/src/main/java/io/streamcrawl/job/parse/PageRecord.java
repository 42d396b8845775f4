package io.streamcrawl.job.parse;

/**
 * The record of one fetched page, in the public wire format of {@code streamcrawl:pages}
 * (see DESIGN.md, "Wire formats"). {@code error} is null on success.
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
        String error) {}
