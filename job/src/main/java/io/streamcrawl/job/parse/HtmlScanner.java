package io.streamcrawl.job.parse;

import org.jsoup.internal.StringUtil;
import org.jsoup.parser.Parser;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what the crawl needs of every HTML page ({@link ScannedHtml}: the title, the {@code <base
 * href>}, the {@code <a href>} values, the canonical link and the {@code <html lang>}) in one pass
 * over the page's tags, without building jsoup's tree, and gives what jsoup 1.24's tree would give.
 * It tokenizes as jsoup does (comments, CDATA as a bogus comment, raw text and RCDATA elements, quoted, unquoted and
 * entity-encoded attributes, duplicate attributes) and
 * follows the few tree-building rules that decide these values: which tags end the head, where a
 * table would move content.
 *
 * <p>Where only the tree builder knows the answer it gives up (empty), and the caller parses with
 * jsoup: {@code <select>}, {@code <svg>}, {@code <math>}, {@code <template>}, {@code <frameset>},
 * {@code <plaintext>}, {@code <noscript>}, a script holding {@code <!--}, a tag other than a table's own between a
 * table's cells (jsoup moves it before the table), a {@code <}, NUL or control character inside a
 * tag, and a page that ends inside a tag. {@code HtmlScannerTest} checks it against jsoup. Asked for the
 * words of the body's text ({@link #scanWithWords}), it hands the body's text and tags to {@link BodyWords},
 * which may be unsure too. Not thread-safe: one per page.
 */
final class HtmlScanner {
    private final String html;
    private final int length;
    private final String pageUrl;
    private int pos;
    private boolean unsure;
    /** Whether jsoup would have started the body: a title after that is not the head's. */
    private boolean inBody;
    private final TableNesting tables = new TableNesting();

    private final TagAttributes attributes;
    /** The body's words, when asked for. */
    private final BodyWords words;

    private String title;
    private String baseUri;
    private final Set<String> hrefs = new LinkedHashSet<>();
    private String canonicalHref;
    private String lang;

    private HtmlScanner(String html, String pageUrl, BodyWords words) {
        this.html = html;
        this.length = html.length();
        this.pageUrl = pageUrl;
        this.attributes = new TagAttributes(html);
        this.words = words;
    }

    /** The page's links and head values as jsoup would find them, or empty when the scanner cannot be sure. */
    static Optional<ScannedHtml> scan(String html, String pageUrl) {
        return scan(new HtmlScanner(html, pageUrl, null));
    }

    /**
     * The same with the words of the body's visible text ({@link BodyWords}), or empty when the scanner
     * cannot be sure of them either.
     *
     * @param maxTextChars the bound at which {@link VisibleText} cuts the text
     */
    static Optional<ScannedHtml> scanWithWords(String html, String pageUrl, int maxTextChars) {
        return scan(new HtmlScanner(html, pageUrl, new BodyWords(maxTextChars, html.length())));
    }

    private static Optional<ScannedHtml> scan(HtmlScanner scanner) {
        scanner.run();
        String words = scanner.words == null ? null : scanner.words.words();
        if (scanner.unsure || scanner.words != null && words == null) {
            return Optional.empty();
        }
        return Optional.of(new ScannedHtml(scanner.titleText(), scanner.baseUri == null ? scanner.pageUrl : scanner.baseUri,
                List.copyOf(scanner.hrefs), scanner.canonicalHref, scanner.lang, words));
    }

    private void run() {
        while (pos < length && !unsure) {
            int lt = html.indexOf('<', pos);
            int end = lt < 0 ? length : lt;
            if (!inBody) {
                text(pos, end);
            }
            if (inBody && end > pos) {
                bodyText(pos, end);
            }
            if (lt < 0) {
                return;
            }
            pos = lt;
            markup();
        }
    }

    /** At a {@code <}. */
    private void markup() {
        int next = charAt(pos + 1);
        if (next == '!') {
            declaration(pos + 2);
        } else if (next == '/') {
            endTagOpen(pos + 2);
        } else if (next == '?') {
            pos = afterGreaterThan(pos + 1);
        } else if (isAsciiLetter(next)) {
            tag(pos + 1, true);
        } else {
            inBody = true;   // a '<' that opens nothing is text
            bodyText(pos, pos + 1);
            pos++;
        }
    }

    private void declaration(int p) {
        if (html.startsWith("--", p)) {
            pos = afterComment(p + 2);
        } else {
            pos = afterGreaterThan(p);   // a doctype, or a bogus comment: so is CDATA outside svg and math
        }
    }

    /** The position after a comment whose text starts at {@code p}: its {@code -->}, {@code --!>} or {@code <!-->}. */
    private int afterComment(int p) {
        if (charAt(p) == '>') {
            return p + 1;
        }
        if (charAt(p) == '-' && charAt(p + 1) == '>') {
            return p + 2;
        }
        int dashes = html.indexOf("--", p);
        while (dashes >= 0) {
            int q = dashes + 2;
            while (charAt(q) == '-') {
                q++;
            }
            if (charAt(q) == '>') {
                return q + 1;
            }
            if (charAt(q) == '!' && charAt(q + 1) == '>') {
                return q + 2;
            }
            dashes = html.indexOf("--", q);
        }
        return length;
    }

    private int afterGreaterThan(int p) {
        int gt = html.indexOf('>', p);
        return gt < 0 ? length : gt + 1;
    }

    private void endTagOpen(int p) {
        int c = charAt(p);
        if (c < 0) {
            inBody = true;   // "</" at the end is text
            bodyText(pos, length);
            pos = length;
        } else if (isAsciiLetter(c)) {
            tag(p, false);
        } else if (c == '>') {
            pos = p + 1;
        } else {
            pos = afterGreaterThan(p);
        }
    }

    /** A start or end tag whose name starts at {@code p}. */
    private void tag(int p, boolean start) {
        int nameEnd = p;
        while (nameEnd < length) {
            char c = html.charAt(nameEnd);
            if (TagAttributes.isWhitespace(c) || c == '/' || c == '>') {
                break;
            }
            if (c == '<' || c == 0) {
                unsure = true;
                return;
            }
            nameEnd++;
        }
        String name = TagAttributes.normalName(html, p, nameEnd);
        if (name == null) {
            unsure = true;
            return;
        }
        int end = attributes.read(nameEnd, start && collectsAttributes(name));
        if (end < 0) {
            unsure = true;
            return;
        }
        pos = end;
        if (start) {
            startTag(name);
        } else {
            endTag(name);
        }
    }

    private static boolean collectsAttributes(String name) {
        return switch (name) {
            case "a", "base", "link", "html" -> true;
            default -> false;
        };
    }

    private void startTag(String name) {
        if (!tables.start(name)) {
            unsure = true;
            return;
        }
        if (words != null) {
            words.startTag(name, tables.inTable());
        }
        switch (name) {
            // jsoup reads what a <noscript> holds as plain elements (an <html>, a <base>, a <title> in
            // the body), wherever it stands.
            case "select", "svg", "math", "template", "frameset", "plaintext", "noscript" -> unsure = true;
            case "html" -> {
                // Later <html> tags add the attributes the element lacks.
                if (lang == null) {
                    lang = attributes.get("lang");
                }
            }
            case "head", "meta", "basefont", "bgsound" -> { }
            case "base" -> {
                String href = attributes.get("href");
                if (baseUri == null && href != null) {
                    String resolved = StringUtil.resolve(pageUrl, href);
                    baseUri = resolved.isEmpty() ? null : resolved;
                }
            }
            case "link" -> {
                String rel = attributes.get("rel");
                String href = attributes.get("href");
                if (canonicalHref == null && href != null && rel != null && rel.trim().equalsIgnoreCase("canonical")) {
                    canonicalHref = href;
                }
            }
            case "title" -> {
                String text = rcdata(name);
                if (!inBody && title == null) {
                    title = text;
                } else if (inBody) {
                    bodyText(text, name);   // a title in the body is text of the body
                }
            }
            case "style", "noframes" -> rawText(name, false);
            case "script" -> rawText(name, true);
            case "textarea" -> {
                inBody = true;
                bodyText(rcdata(name), name);
            }
            case "xmp", "iframe", "noembed" -> {
                inBody = true;
                rawText(name, false);
            }
            case "a" -> {
                inBody = true;
                String href = attributes.get("href");
                if (href != null) {
                    hrefs.add(href);
                }
            }
            default -> inBody = true;
        }
    }

    private void endTag(String name) {
        tables.end(name);
        if (words != null && inBody) {
            words.endTag(name);
        }
        if (!inBody) {
            switch (name) {
                case "body", "html", "br" -> inBody = true;
                default -> { }
            }
        }
    }

    /**
     * Skips the raw text of a {@code <style>}-like element to its end tag and reads that; a script
     * that holds {@code <!--} may hide its end tag in jsoup's escaped states: unsure.
     */
    private void rawText(String name, boolean script) {
        int close = findEndTag(name, pos);
        int comment = script ? html.indexOf("<!--", pos) : -1;
        if (comment >= 0 && (close < 0 || comment < close)) {
            unsure = true;
            return;
        }
        endRaw(close);
        if (words != null && inBody) {
            words.endTag(name);
        }
    }

    /** The text of a {@code <title>} or {@code <textarea>}, entity-decoded, read to its end tag. */
    private String rcdata(String name) {
        int close = findEndTag(name, pos);
        int stop = close < 0 ? length : close;
        String raw = html.substring(pos, stop).replace('\0', '\uFFFD');
        endRaw(close);
        return raw.indexOf('&') < 0 ? raw : Parser.unescapeEntities(raw, false);
    }

    private void endRaw(int close) {
        if (close < 0) {
            pos = length;
            return;
        }
        int end = attributes.read(close + 2 + endTagNameLength(close), false);
        if (end < 0) {
            unsure = true;
            return;
        }
        pos = end;
    }

    private int endTagNameLength(int close) {
        int p = close + 2;
        while (p < length && isAsciiLetter(html.charAt(p))) {
            p++;
        }
        return p - close - 2;
    }

    /** The position of {@code </name} followed by whitespace, {@code /} or {@code >}, from {@code from}; -1 when none. */
    private int findEndTag(String name, int from) {
        for (int lt = html.indexOf("</", from); lt >= 0; lt = html.indexOf("</", lt + 2)) {
            if (html.regionMatches(true, lt + 2, name, 0, name.length())) {
                int c = charAt(lt + 2 + name.length());
                if (c >= 0 && (TagAttributes.isWhitespace((char) c) || c == '/' || c == '>')) {
                    return lt;
                }
            }
        }
        return -1;
    }

    /** Text of the body, for its words: jsoup would move any but whitespace out of a table but outside its cells. */
    private void bodyText(int from, int to) {
        if (words == null) {
            return;
        }
        if (tables.outsideCell() && !isBlank(from, to)) {
            unsure = true;
            return;
        }
        String text = html.substring(from, to);
        words.text(text.indexOf('&') < 0 ? text : Parser.unescapeEntities(text, false));
    }

    /** The decoded text of a {@code <title>} or {@code <textarea>} in the body, and its end tag. */
    private void bodyText(String text, String name) {
        if (words != null) {
            words.text(text);
            words.endTag(name);
        }
    }

    /** Text before the body: anything but whitespace (after decoding references) starts the body. */
    private void text(int from, int to) {
        if (isBlank(from, to)) {
            return;
        }
        String text = html.substring(from, to);
        if (text.indexOf('&') >= 0 && StringUtil.isBlank(Parser.unescapeEntities(text, false))) {
            return;
        }
        inBody = true;
    }

    private boolean isBlank(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!TagAttributes.isWhitespace(html.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private String titleText() {
        return title == null ? "" : StringUtil.normaliseWhitespace(title.trim()).trim();
    }

    private int charAt(int p) {
        return p < length ? html.charAt(p) : -1;
    }

    private static boolean isAsciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
