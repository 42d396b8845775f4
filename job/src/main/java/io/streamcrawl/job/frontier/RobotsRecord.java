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
 * @param unreachableSince when the first of the unreachable answers in a row up to the last one
 *     arrived (epoch ms); 0 when the last answer was not unreachable, or in a record kept before
 *     this field existed (then {@code fetchedAt} stands for it)
 */
public record RobotsRecord(
        int status, String body, String error, long fetchedAt, long requestedAt, boolean refused, long unreachableSince) {
    static final RobotsRecord NONE = new RobotsRecord(0, null, null, 0, 0, false, 0);

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

    /** How long the robots.txt had been unreachable at its last answer; 0 when that answer was not unreachable. */
    long unreachableForMs() {
        if (!unreachable()) {
            return 0;
        }
        return fetchedAt - (unreachableSince > 0 ? unreachableSince : fetchedAt);
    }

    /**
     * The record after an answer that arrived at {@code now}: an unreachable answer following
     * unreachable ones keeps the time of the first, so that a robots.txt that never recovers is
     * noticed however often it is asked again.
     */
    RobotsRecord answered(int newStatus, String newBody, String newError, long now, boolean newRefused) {
        RobotsRecord answer = new RobotsRecord(newStatus, newBody, newError, now, 0, newRefused, 0);
        if (!answer.unreachable()) {
            return answer;
        }
        long since = !unreachable() ? now : unreachableSince > 0 ? unreachableSince : fetchedAt;
        return new RobotsRecord(newStatus, newBody, newError, now, 0, newRefused, since);
    }

    RobotsRecord requested(long now) {
        return new RobotsRecord(status, body, error, fetchedAt, now, refused, unreachableSince);
    }

    RobotsRecord cancelled() {
        return new RobotsRecord(status, body, error, fetchedAt, 0, refused, unreachableSince);
    }
}
