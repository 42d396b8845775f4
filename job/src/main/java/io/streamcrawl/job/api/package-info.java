/** The URLFrontier API server (scripts/frontier-api): an entry point that feeds, inspects and steers a crawl over gRPC. */
package io.streamcrawl.job.api;
