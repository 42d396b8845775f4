package io.streamcrawl.job.model;

/**
 * What a sitemap says of how one of its URLs changes, for the recrawl plan of a task that
 * recrawls: its {@code <lastmod>}, else its {@code <changefreq>} as an interval.
 *
 * @param lastModified the {@code <lastmod>} (epoch ms), 0 when it has none
 * @param changeEveryMs the {@code <changefreq>} as an interval, 0 when it has none or has a lastmod
 */
public record ChangeHint(long lastModified, long changeEveryMs) {
    /** A sitemap entry's hint; null when it says nothing. */
    public static ChangeHint of(long lastModified, long changeEveryMs) {
        if (lastModified > 0) {
            return new ChangeHint(lastModified, 0);
        }
        return changeEveryMs > 0 ? new ChangeHint(0, changeEveryMs) : null;
    }
}
