package io.streamcrawl.job.frontier;

/**
 * What one fetch told about its host, carried back to the host's scheduler by a frontier entry.
 *
 * @param status the HTTP status, 0 when no response arrived
 * @param error why no response arrived, or null
 */
public record HostFeedback(HostSignal signal, int status, String error) {}
