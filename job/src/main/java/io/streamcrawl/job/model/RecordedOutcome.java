package io.streamcrawl.job.model;

/**
 * How a page whose record is in the pages stream went, as its record says: enough to count it
 * as done without fetching it again.
 *
 * @param status the HTTP status, 0 when no response arrived
 * @param error why the fetch failed, or null
 */
public record RecordedOutcome(int status, String error) {}
