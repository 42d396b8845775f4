package io.streamcrawl.job.journal;

import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.PageRecord;

import org.apache.flink.util.Preconditions;

/**
 * One entry for the pages sink, which writes both kinds in the order given: a frontier entry a
 * page yields ({@code link}), or the page's record ({@code page}), after its entries. Exactly one
 * of the two is set.
 */
public record StreamWrite(FrontierEntry link, PageRecord page) {
    public StreamWrite {
        Preconditions.checkArgument((link == null) != (page == null), "exactly one of link and page: %s, %s", link, page);
    }

    public static StreamWrite link(FrontierEntry link) {
        return new StreamWrite(link, null);
    }

    public static StreamWrite page(PageRecord page) {
        return new StreamWrite(null, page);
    }
}
