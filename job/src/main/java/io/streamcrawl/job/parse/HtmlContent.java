package io.streamcrawl.job.parse;

import java.util.List;

/**
 * What the crawl keeps of an HTML page.
 *
 * @param title the page's title, whitespace-normalized; null when it has none
 * @param links the page's distinct normalized outgoing links that passed the caller's filter, in
 *     document order
 * @param canonical the normalized URL of the page's {@code <link rel="canonical">}, or null
 */
record HtmlContent(String title, List<String> links, String canonical) {
    static final HtmlContent NONE = new HtmlContent(null, List.of(), null);
}
