package io.streamcrawl.job.model;

/**
 * Whether a recrawl's answer repeats the URL's last full capture (its request's
 * {@link PageValidators}), and how: WARC files keep such an answer as a {@code revisit} record
 * instead of a second copy, and page records and reports count it.
 */
public enum Revisit {
    /** New content, or no earlier capture to compare with. */
    NONE,
    /** {@code 304 Not Modified} to a conditional request (WARC profile {@code server-not-modified}). */
    NOT_MODIFIED,
    /** A 2xx whose whole body has the last capture's payload digest (WARC profile {@code identical-payload-digest}). */
    IDENTICAL_PAYLOAD;

    /** What {@code result}, whose body has the payload digest {@code digest}, repeats of its URL's last capture. */
    public static Revisit of(FetchResult result, String digest) {
        PageValidators last = result.request().validators();
        if (last == null || !last.captured()) {
            return NONE;
        }
        if (result.status() == 304) {
            return NOT_MODIFIED;
        }
        boolean whole = result.http() != null && result.http().bodyRead() && !result.truncated();
        return result.status() >= 200 && result.status() < 300 && whole && digest != null
                && digest.equals(last.payloadDigest()) ? IDENTICAL_PAYLOAD : NONE;
    }
}
