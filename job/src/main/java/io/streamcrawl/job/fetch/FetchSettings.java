package io.streamcrawl.job.fetch;

/**
 * How to fetch the URLs of one task, taken from the task's spec.
 *
 * @param maxInFlightPerHost requests of the task that may run at once against one host
 */
public record FetchSettings(
        String userAgent, int timeoutMs, long maxBytes, String[] contentTypes, int maxInFlightPerHost) {}
