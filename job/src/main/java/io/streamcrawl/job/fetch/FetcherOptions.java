package io.streamcrawl.job.fetch;

import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.time.Duration;

/**
 * How one {@link AsyncFetcher} instance uses the network, shared by all tasks (the per-task
 * settings travel with each request as {@link FetchSettings}).
 *
 * @param maxConcurrentRequests requests in flight at once; the async operator's capacity should match
 * @param maxRequestsPerHost requests in flight at once to one host
 * @param connectTimeout the TCP (and TLS) connect timeout
 * @param readTimeout the longest silence while reading a response
 */
public record FetcherOptions(
        int maxConcurrentRequests, int maxRequestsPerHost, Duration connectTimeout, Duration readTimeout)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public FetcherOptions {
        Preconditions.checkArgument(
                maxConcurrentRequests > 0, "maxConcurrentRequests must be positive, was %s", maxConcurrentRequests);
        Preconditions.checkArgument(
                maxRequestsPerHost > 0, "maxRequestsPerHost must be positive, was %s", maxRequestsPerHost);
        Preconditions.checkNotNull(connectTimeout, "connectTimeout");
        Preconditions.checkNotNull(readTimeout, "readTimeout");
        Preconditions.checkArgument(!connectTimeout.isNegative(), "connectTimeout must not be negative, was %s", connectTimeout);
        Preconditions.checkArgument(!readTimeout.isNegative(), "readTimeout must not be negative, was %s", readTimeout);
    }
}
