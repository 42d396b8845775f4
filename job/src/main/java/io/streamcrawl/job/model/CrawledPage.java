package io.streamcrawl.job.model;


import java.util.List;

/**
 * A fetched page's record with the frontier entries it yields (its links, a redirect's target, a
 * sitemap's entries): they travel together to the one sink that writes the entries, then the record.
 *
 * @param recorded whether the record is in the pages stream already: written before a failure, so
 *     the page was not fetched again (see the journal package's PagesJournal); it is
 *     counted, not written again, and yields no entries
 * @param failure where a fetch without a response failed ({@link FetchResult#failureName()}), for
 *     the crawl report; null for a response
 */
public record CrawledPage(PageRecord record, List<FrontierEntry> links, boolean recorded, String failure) {
    public CrawledPage {
        links = List.copyOf(links);
    }

    /** A page fetched now, with what it yields. */
    public static CrawledPage fetched(PageRecord record, List<FrontierEntry> links, String failure) {
        return new CrawledPage(record, links, false, failure);
    }

    /** A page whose record is in the pages stream since before a failure. */
    public static CrawledPage recorded(PageRecord record) {
        return new CrawledPage(record, List.of(), true, null);
    }

    public CrawledPage withRecord(PageRecord marked) {
        return new CrawledPage(marked, links, recorded, failure);
    }
}
