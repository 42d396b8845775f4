package io.streamcrawl.job.parse;

import java.util.List;

/**
 * What {@link HtmlScanner} reads of a page, as jsoup's tree would give it.
 *
 * @param title the text of the first {@code <title>} of the head, whitespace-normalized and
 *     trimmed as jsoup's {@code Document.title()} gives it; empty when the head has none
 * @param baseUri the URL the page's links resolve against: its first {@code <base href>} that
 *     resolves, else the page's URL
 * @param hrefs the distinct {@code href} values of the {@code <a href>} elements, entity-decoded, in
 *     the order they first appear
 * @param canonicalHref the {@code href} of the first {@code <link rel=canonical href>}, or null
 * @param lang the {@code lang} attribute of the {@code <html>} element as written, or null
 * @param words a text with the words of the body's visible text in order, as SimHash reads them
 *     from {@link VisibleText}'s text (which may separate them otherwise); null when not asked for
 */
record ScannedHtml(String title, String baseUri, List<String> hrefs, String canonicalHref, String lang, String words) {}
