package io.streamcrawl.testing;

import java.util.List;

/**
 * Renders one page of a {@link SiteGraph} as HTML. Links come in the forms a crawler meets:
 * root-relative, document-relative, absolute, with fragments, plus links it must not follow
 * (the same server under another host name, mailto, javascript), so a crawl that leaves
 * its scope shows up in the site's request counts.
 */
final class PageRenderer {
    private static final String FILLER =
            "Streams of pages flow through keyed state, and every link found goes back to the frontier. ";

    private PageRenderer() {}

    static String render(SiteGraph graph, int page, int pageBytes, String baseUrl) {
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
        while (html.length() < pageBytes) {
            html.append("<p>").append(FILLER).append(FILLER).append("</p>\n");
        }
        return html.append("</article>\n</body></html>\n").toString();
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
