package io.streamcrawl.job.model;

/** Why a URL is fetched, which decides where its result goes. */
public enum FetchPurpose {
    /** A page of the task: it becomes a page record, its links go to the frontier. */
    PAGE,
    /** The robots.txt of the URL's origin: its answer goes back to the origin's host scheduler. */
    ROBOTS,
    /** A sitemap: the URLs (or sitemaps) it lists go to the frontier; it also becomes a page record. */
    SITEMAP
}
