package io.streamcrawl.job.frontier;

/**
 * What a host scheduler knows of one origin's robots.txt, in keyed state (it survives restores).
 *
 * @param status the HTTP status of the last fetch, 0 when no response arrived (or none was fetched yet)
 * @param body the robots.txt of a 2xx answer, else null
 * @param error why no response arrived, else null
 * @param fetchedAt when the last answer arrived (epoch ms), 0 when none has
 * @param requestedAt when the current request was released (epoch ms), 0 when none is pending
 * @param refused whether the SSRF guard refused the request (the host is a private address the
 *     asking task may not reach): known only to be unreachable for such tasks
 */
public record RobotsRecord(int status, String body, String error, long fetchedAt, long requestedAt, boolean refused) {
    static final RobotsRecord NONE = new RobotsRecord(0, null, null, 0, 0, false);

    boolean answered() {
        return fetchedAt > 0;
    }

    /** RFC 9309: a 4xx means there are no rules. */
    boolean unavailable() {
        return status >= 400 && status < 500 && status != 429;
    }

    /** RFC 9309: 5xx, 429, a redirect loop or no answer at all mean "disallow everything for now". */
    boolean unreachable() {
        return answered() && !refused && !unavailable() && (status < 200 || status >= 300);
    }

    RobotsRecord requested(long now) {
        return new RobotsRecord(status, body, error, fetchedAt, now, refused);
    }

    RobotsRecord cancelled() {
        return new RobotsRecord(status, body, error, fetchedAt, 0, refused);
    }
}
