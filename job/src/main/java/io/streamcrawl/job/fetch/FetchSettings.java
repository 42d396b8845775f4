package io.streamcrawl.job.fetch;

/** How to fetch the URLs of one task, taken from the task's spec. */
public record FetchSettings(String userAgent, int timeoutMs, long maxBytes, String[] contentTypes) {}
