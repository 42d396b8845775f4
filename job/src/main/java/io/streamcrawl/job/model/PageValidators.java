package io.streamcrawl.job.model;

/**
 * What a recrawl of a URL needs of its earlier fetches: the validators of the last answer, sent
 * back as {@code If-None-Match} and {@code If-Modified-Since}, and the payload digest and time of
 * the last full capture, to recognize an unchanged body and to point a WARC {@code revisit}
 * record at the capture it repeats. Bounded, because every URL of a recrawling task keeps one in
 * its scheduler's state: an ETag over {@link #MAX_ETAG_CHARS} or a Last-Modified over
 * {@link #MAX_LAST_MODIFIED_CHARS} is dropped (that validator is then not sent), and so is one with
 * a character a header value cannot carry back (outside printable ASCII and tab).
 *
 * @param etag the last {@code ETag} as the server sent it, or null
 * @param lastModified the last {@code Last-Modified} as the server sent it, or null
 * @param payloadDigest the payload digest of the last full capture ({@code sha1:<base32>}), or
 *     null when its body was not read
 * @param capturedAt when the last full capture was fetched (epoch ms); 0 before the first
 */
public record PageValidators(String etag, String lastModified, String payloadDigest, long capturedAt) {
    public static final int MAX_ETAG_CHARS = 256;
    /** An HTTP date has 29; the slack takes the obsolete formats. */
    public static final int MAX_LAST_MODIFIED_CHARS = 64;
    /** Of a URL not fetched yet. */
    public static final PageValidators NONE = new PageValidators(null, null, null, 0);

    public PageValidators {
        etag = bounded(etag, MAX_ETAG_CHARS);
        lastModified = bounded(lastModified, MAX_LAST_MODIFIED_CHARS);
    }

    private static String bounded(String value, int maxChars) {
        if (value == null || value.isEmpty() || value.length() > maxChars) {
            return null;
        }
        return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f)) ? value : null;
    }

    /** Whether a full capture is known, which a revisit can refer to. */
    public boolean captured() {
        return capturedAt > 0;
    }

    /**
     * What the URL's next recrawl needs after the fetch {@code result} whose body has the payload
     * digest {@code digest}: null unless it answered 2xx or 304. A revisit keeps the capture it
     * repeats; the validators are the answer's, or the earlier ones where it sent none.
     */
    public static PageValidators after(FetchResult result, String digest) {
        int status = result.status();
        if (status != 304 && (status < 200 || status >= 300) || result.http() == null) {
            return null;
        }
        PageValidators last = result.request().validators() == null ? NONE : result.request().validators();
        String etag = result.http().responseHeader("ETag");
        String lastModified = result.http().responseHeader("Last-Modified");
        if (status == 304 || Revisit.of(result, digest) != Revisit.NONE) {
            return new PageValidators(etag != null ? etag : last.etag, lastModified != null ? lastModified : last.lastModified,
                    last.payloadDigest, last.capturedAt);
        }
        return new PageValidators(etag, lastModified, result.http().bodyRead() ? digest : null, result.fetchedAtMillis());
    }
}
