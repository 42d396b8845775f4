package io.streamcrawl.job.fetch;

import io.streamcrawl.job.config.FetchSettings;

import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.time.Duration;

/**
 * How one {@link AsyncFetcher} instance uses the network, shared by all tasks (the per-task
 * settings travel with each request as {@link FetchSettings}).
 *
 * @param maxConcurrentRequests requests in flight at once; the async operator's capacity should match
 * @param maxRequestsPerHost requests in flight at once to one host, whatever a task allows
 * @param connectTimeout the TCP (and TLS) connect timeout
 * @param readTimeout the longest silence while reading a response
 * @param hostQueueLength requests that may wait for a busy host; more are deferred at once
 * @param hostQueueWait the longest a request waits for its host before it is deferred
 * @param maxRetryAfter the longest Retry-After honoured; a longer one is cut to this
 * @param maxBodyBytesInFlight response body bytes the fetcher holds at once over all its
 *     requests; a response that does not fit is deferred, and no body is longer
 */
public record FetcherSettings(
        int maxConcurrentRequests,
        int maxRequestsPerHost,
        Duration connectTimeout,
        Duration readTimeout,
        int hostQueueLength,
        Duration hostQueueWait,
        Duration maxRetryAfter,
        long maxBodyBytesInFlight)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public FetcherSettings {
        Preconditions.checkArgument(
                maxConcurrentRequests > 0, "maxConcurrentRequests must be positive, was %s", maxConcurrentRequests);
        Preconditions.checkArgument(
                maxRequestsPerHost > 0, "maxRequestsPerHost must be positive, was %s", maxRequestsPerHost);
        Preconditions.checkNotNull(connectTimeout, "connectTimeout");
        Preconditions.checkNotNull(readTimeout, "readTimeout");
        Preconditions.checkNotNull(hostQueueWait, "hostQueueWait");
        Preconditions.checkArgument(!connectTimeout.isNegative(), "connectTimeout must not be negative, was %s", connectTimeout);
        Preconditions.checkArgument(!readTimeout.isNegative(), "readTimeout must not be negative, was %s", readTimeout);
        Preconditions.checkArgument(hostQueueLength >= 0, "hostQueueLength must not be negative, was %s", hostQueueLength);
        Preconditions.checkArgument(!hostQueueWait.isNegative(), "hostQueueWait must not be negative, was %s", hostQueueWait);
        Preconditions.checkArgument(!maxRetryAfter.isNegative(), "maxRetryAfter must not be negative, was %s", maxRetryAfter);
        Preconditions.checkArgument(
                maxBodyBytesInFlight > 0, "maxBodyBytesInFlight must be positive, was %s", maxBodyBytesInFlight);
    }
}
