package io.streamcrawl.testing;

import java.util.List;
import java.util.Random;

/**
 * Renders one page of a {@link SiteGraph} as HTML. Links come in the forms a crawler meets:
 * root-relative, document-relative, absolute, with fragments, plus links it must not follow
 * (the same server under another host name, mailto, javascript), so a crawl that leaves
 * its scope shows up in the site's request counts. The article is a filler text all pages share,
 * or, when asked, random words of the page's own.
 */
final class PageRenderer {
    private static final String FILLER =
            "Streams of pages flow through keyed state, and every link found goes back to the frontier. ";

    private PageRenderer() {}

    /** Syllables of the words of a page's own text. */
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "va", "go", "lu", "shi", "ber", "an", "tor",
        "qua", "ex", "ul", "mon", "ze", "fi", "dra", "pel", "nox", "es", "im", "gal", "yo", "ced"};

    /**
     * @param ownText whether the article is text of the page's own (random words seeded by the
     *     page) instead of the filler every page shares
     * @param footer text added after the article; empty for none
     */
    static String render(SiteGraph graph, int page, int pageBytes, String baseUrl, boolean ownText, String footer) {
        StringBuilder html = new StringBuilder(pageBytes + 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Page ").append(page).append("</title></head>\n<body>\n")
                .append("<nav><a href=\"/\">Home</a> <a href=\"mailto:web@example.org\">Mail</a> ")
                .append("<a href=\"javascript:void(0)\">Menu</a> ")
                .append("<a href=\"").append(baseUrl.replace("127.0.0.1", "localhost")).append("/offsite.html\">Elsewhere</a></nav>\n")
                .append("<h1>Page ").append(page).append("</h1>\n<ul>\n");
        List<Integer> links = graph.linksOf(page);
        for (int i = 0; i < links.size(); i++) {
            html.append("<li><a href=\"").append(href(page, links.get(i), i, baseUrl)).append("\">Page ")
                    .append(links.get(i)).append("</a></li>\n");
        }
        html.append("</ul>\n<article>\n");
        Random words = new Random(page * 7919L + 17);
        while (html.length() < pageBytes) {
            html.append("<p>").append(ownText ? sentence(words) : FILLER + FILLER).append("</p>\n");
        }
        html.append("</article>\n");
        if (!footer.isEmpty()) {
            html.append("<footer>").append(footer).append("</footer>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    private static String sentence(Random random) {
        StringBuilder sentence = new StringBuilder();
        for (int word = 0; word < 16; word++) {
            if (word > 0) {
                sentence.append(' ');
            }
            for (int syllable = 1 + random.nextInt(3); syllable > 0; syllable--) {
                sentence.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
        }
        return sentence.append(". ").toString();
    }

    private static String href(int from, int to, int position, String baseUrl) {
        String path = TestSite.pathOf(to);
        switch (position % 4) {
            case 1:
                return baseUrl + path;
            case 2:
                return path + "#section-" + position;
            case 3:
                if (to != 0) {
                    return from == 0 ? "pages/" + to + ".html" : to + ".html";
                }
                return path;
            default:
                return path;
        }
    }
}
