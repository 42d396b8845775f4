package io.streamcrawl.job.model;

/** Why a fetch got no HTTP response; {@link #NONE} when it got one. */
public enum FetchFailure {
    /** A response arrived (whatever its status). */
    NONE,
    /**
     * Given back to the frontier, to be fetched again later: the host was busy (the request could
     * not start within its wait bound), or the fetcher held too many body bytes to read the
     * response (which is then dropped unread).
     */
    DEFERRED,
    /** No complete response within the task's timeout. */
    TIMEOUT,
    /** DNS, connect, TLS or I/O failure. */
    NETWORK,
    /** The request could not be made at all (invalid URL, no settings). */
    INVALID,
    /** The SSRF guard refused it: the host is, or resolves only to, a private address the task may not reach. */
    REFUSED,
    /**
     * Not fetched: its page record reached the pages stream before a failure the job restored
     * from ({@link io.streamcrawl.job.journal.PagesJournal}); status and error are the record's.
     */
    RECORDED
}
