package io.streamcrawl.testing;

import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Renders one page of a {@link DocSiteGraph} as the HTML of a documentation site: head with
 * stylesheets and scripts, header navigation, sidebar, breadcrumbs, an article of headings,
 * paragraphs with inline links, option tables and code blocks up to the page's size, and a
 * footer. Links come as root-relative and document-relative paths, some with fragments, plus a
 * few links off the site (another host, mailto) that a crawl must not follow.
 */
final class DocPageRenderer {
    private static final int LINKS_PER_PARAGRAPH = 2;

    private final DocSiteGraph graph;

    DocPageRenderer(DocSiteGraph graph) {
        this.graph = graph;
    }

    String render(int page) {
        int size = graph.sizeOf(page);
        String from = graph.pathOf(page);
        StringBuilder html = new StringBuilder(size + 4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(graph.titleOf(page)).append(" | streamcrawl docs</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/assets/theme.css\">\n")
                .append("<script defer src=\"/assets/search.js\"></script>\n</head>\n<body>\n");
        html.append("<header class=\"top\"><nav class=\"main\">\n");
        links(html, from, graph.headerOf(page), 0);
        html.append("<a href=\"https://github.com/streamcrawl/streamcrawl\">GitHub</a>\n</nav></header>\n");
        html.append("<div class=\"layout\">\n<aside class=\"sidebar\"><ul>\n");
        int position = 1;
        for (int target : graph.sidebarOf(page)) {
            html.append("<li class=\"toc\">");
            link(html, from, target, position++);
            html.append("</li>\n");
        }
        html.append("</ul></aside>\n<main>\n<nav class=\"breadcrumbs\">");
        links(html, from, graph.breadcrumbsOf(page), position);
        html.append("</nav>\n<article id=\"content\">\n<h1 id=\"top\">").append(graph.titleOf(page)).append("</h1>\n");
        Random random = graph.random(page, 4);
        Iterator<Integer> crossLinks = graph.crossLinksOf(page).iterator();
        int section = 0;
        while (html.length() < size - 600) {
            html.append("<h2 id=\"sec-").append(section).append("\">").append(Words.title(random, 3)).append("</h2>\n");
            switch (section++ % 4) {
                case 1 -> table(html, random);
                case 2 -> code(html, random);
                default -> { }
            }
            for (int p = 0; p < 1 + random.nextInt(3); p++) {
                paragraph(html, random, from, crossLinks);
            }
        }
        if (crossLinks.hasNext()) {
            html.append("<h2 id=\"see-also\">See also</h2>\n<ul class=\"related\">\n");
            while (crossLinks.hasNext()) {
                html.append("<li>");
                link(html, from, crossLinks.next(), 2);
                html.append("</li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("<h2 id=\"children\">In this section</h2>\n<ul class=\"children\">\n");
        for (int child : graph.childrenOf(page)) {
            html.append("<li>");
            link(html, from, child, child);
            html.append("</li>\n");
        }
        html.append("</ul>\n</article>\n<nav class=\"pager\">");
        links(html, from, graph.neighboursOf(page), 3);
        html.append("</nav>\n</main>\n</div>\n<footer><p>Copyright the streamcrawl authors. ")
                .append("<a href=\"mailto:docs@streamcrawl.invalid\">Report a problem</a> ")
                .append("<a href=\"https://flink.apache.org/\">Apache Flink</a></p></footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private void paragraph(StringBuilder html, Random random, String from, Iterator<Integer> crossLinks) {
        html.append("<p>");
        int sentences = 3 + random.nextInt(4);
        for (int s = 0; s < sentences; s++) {
            Words.sentence(random, html);
            if (s < LINKS_PER_PARAGRAPH && crossLinks.hasNext()) {
                html.append("See ");
                link(html, from, crossLinks.next(), s + sentences);
                html.append(". ");
            }
        }
        html.append("</p>\n");
    }

    private static void table(StringBuilder html, Random random) {
        html.append("<table class=\"options\">\n<thead><tr><th>Key</th><th>Type</th><th>Default</th>")
                .append("<th>Description</th></tr></thead>\n<tbody>\n");
        int rows = 4 + random.nextInt(8);
        for (int r = 0; r < rows; r++) {
            html.append("<tr><td><code>").append(Words.word(random)).append('.').append(Words.slug(random, 2))
                    .append("</code></td><td>").append(random.nextBoolean() ? "Duration" : "Integer")
                    .append("</td><td>").append(random.nextInt(1000)).append("</td><td>");
            Words.sentence(random, html);
            html.append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static void code(StringBuilder html, Random random) {
        html.append("<pre><code class=\"language-java\">");
        int lines = 6 + random.nextInt(14);
        for (int l = 0; l < lines; l++) {
            String a = Words.word(random);
            String b = Words.word(random);
            html.append("    Map&lt;String, ").append(Character.toUpperCase(a.charAt(0))).append(a, 1, a.length())
                    .append("&gt; ").append(b).append(l).append(" = env.").append(Words.word(random)).append("(\"")
                    .append(Words.slug(random, 2)).append("\", ").append(random.nextInt(10_000)).append(");\n");
        }
        html.append("</code></pre>\n");
    }

    private void links(StringBuilder html, String from, List<Integer> targets, int position) {
        for (int target : targets) {
            link(html, from, target, position++);
            html.append('\n');
        }
    }

    private void link(StringBuilder html, String from, int target, int position) {
        String to = graph.pathOf(target);
        html.append("<a href=\"").append(href(from, to, position)).append("\">")
                .append(graph.titleOf(target)).append("</a>");
    }

    /** The forms links take on real sites: root-relative or document-relative, sometimes with a fragment. */
    static String href(String from, String to, int position) {
        return switch (position % 5) {
            case 1 -> relative(from, to);
            case 2 -> to + "#sec-" + position % 7;
            case 3 -> relative(from, to) + "#top";
            default -> to;
        };
    }

    /** The document-relative reference from the page at path {@code from} to path {@code to}. */
    static String relative(String from, String to) {
        String[] fromDirs = from.substring(1, from.lastIndexOf('/') + 1).split("/", -1);
        String[] toParts = to.substring(1).split("/", -1);
        int common = 0;
        while (common < fromDirs.length - 1 && common < toParts.length - 1 && fromDirs[common].equals(toParts[common])) {
            common++;
        }
        StringBuilder ref = new StringBuilder();
        for (int i = common; i < fromDirs.length - 1; i++) {
            ref.append("../");
        }
        for (int i = common; i < toParts.length; i++) {
            ref.append(toParts[i]).append(i < toParts.length - 1 ? "/" : "");
        }
        return ref.length() == 0 ? "./" : ref.toString();
    }
}
