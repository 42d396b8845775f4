package io.streamcrawl.job.parse;

import java.util.List;

/**
 * What the crawl keeps of an HTML page.
 *
 * @param title the page's title, whitespace-normalized; null when it has none
 * @param links the page's distinct normalized outgoing links that passed the caller's filter, in
 *     document order
 * @param canonical the normalized URL of the page's {@code <link rel="canonical">}, or null
 * @param text the visible text of the page's body, whitespace-normalized and cut at the caller's
 *     bound, or when the caller asked only for its words, a text with the same words in the same
 *     order ({@link HtmlExtractor.TextNeed#WORDS}); null when not asked for or the page was not parsed
 * @param lang the {@code lang} attribute of the {@code <html>} element as written; null when absent
 */
record HtmlContent(String title, List<String> links, String canonical, String text, String lang) {
    static final HtmlContent NONE = new HtmlContent(null, List.of(), null, null, null);
}
