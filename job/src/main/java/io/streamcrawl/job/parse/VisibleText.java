package io.streamcrawl.job.parse;

import org.jsoup.nodes.CDataNode;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Tag;
import org.jsoup.select.NodeFilter;

/**
 * The text of an element exactly as jsoup 1.24's {@code Element.text()} gives it (the same
 * separators between blocks and the same whitespace normalisation), cut at a bound, but built
 * faster: jsoup appends each code point on its own, this appends the runs between whitespace in
 * bulk, and it stops walking the tree once the bound is reached. In the crawl {@code text()} was
 * about a third of jsoup's CPU per page. {@code VisibleTextTest} checks it against
 * {@code text()} on many pages and corner cases; a jsoup upgrade that changes {@code text()} shows
 * there.
 */
final class VisibleText implements NodeFilter {
    /** How far up jsoup looks for a whitespace-preserving ancestor ({@code pre}, {@code textarea}). */
    private static final int PRESERVE_DEPTH = 6;

    private final StringBuilder text;
    private final int maxChars;

    private VisibleText(int capacity, int maxChars) {
        this.text = new StringBuilder(capacity);
        this.maxChars = maxChars;
    }

    /**
     * The normalised text of {@code root}, at most {@code maxChars} characters (one fewer when
     * the cut would split a surrogate pair).
     *
     * @param capacity a guess of the text's length, to size the buffer
     */
    static String of(Element root, int maxChars, int capacity) {
        VisibleText visitor = new VisibleText(Math.min(capacity, maxChars + 64), maxChars);
        root.filter(visitor);
        return visitor.result();
    }

    @Override
    public FilterResult head(Node node, int depth) {
        if (node instanceof TextNode textNode) {
            appendText(textNode);
            return isComplete() ? FilterResult.STOP : FilterResult.CONTINUE;
        }
        if (node instanceof Element element && !text.isEmpty() && needsLeadingSeparator(element) && !endsWithSpace()) {
            text.append(' ');
        }
        return FilterResult.CONTINUE;
    }

    @Override
    public FilterResult tail(Node node, int depth) {
        // jsoup's tests, cheapest first (they have no side effects).
        if (node instanceof Element element && !endsWithSpace()) {
            Node next = node.nextSibling();
            if ((next instanceof TextNode || next instanceof Element sibling && sibling.tag().isInline())
                    && needsTrailingSeparator(element)) {
                text.append(' ');
            }
        }
        return FilterResult.CONTINUE;
    }

    private static boolean needsLeadingSeparator(Element element) {
        return element.isBlock() || element.nameIs("br")
                || element.tag().is(Tag.TextBoundary) && element.childNodeSize() > 0 && element.hasText();
    }

    private static boolean needsTrailingSeparator(Element element) {
        return element.tag().is(Tag.TextBoundary) || element.isBlock() || hasBlockChild(element);
    }

    private static boolean hasBlockChild(Element element) {
        for (int i = 0; i < element.childNodeSize(); i++) {
            if (element.childNode(i) instanceof Element child && child.isBlock()) {
                return true;
            }
        }
        return false;
    }

    private void appendText(TextNode node) {
        String value = node.getWholeText();
        if (node instanceof CDataNode || preservesWhitespace(node.parent())) {
            text.append(value);
            return;
        }
        // jsoup's StringUtil.appendNormalisedWhitespace: a run of whitespace becomes one space (none
        // at the start when the text so far ends in a space), zero-width spaces and soft hyphens go.
        boolean stripLeading = endsWithSpace();
        boolean lastWasWhite = false;
        boolean reachedNonWhite = false;
        int run = -1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean white = c <= ' ' ? c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' : c == 160;
            if (!white && c != 8203 && c != 173) {
                if (run < 0) {
                    run = i;
                }
                lastWasWhite = false;
                reachedNonWhite = true;
                continue;
            }
            if (run >= 0) {
                text.append(value, run, i);
                run = -1;
            }
            if (white && !(stripLeading && !reachedNonWhite) && !lastWasWhite) {
                text.append(' ');
                lastWasWhite = true;
            }
        }
        if (run >= 0) {
            text.append(value, run, value.length());
        }
    }

    private static boolean preservesWhitespace(Node parent) {
        Element element = parent instanceof Element e ? e : null;
        for (int i = 0; i < PRESERVE_DEPTH && element != null; i++) {
            if (element.tag().preserveWhitespace()) {
                return true;
            }
            element = element.parent();
        }
        return false;
    }

    private boolean endsWithSpace() {
        return !text.isEmpty() && text.charAt(text.length() - 1) == ' ';
    }

    /**
     * Whether more text can no longer change the result: {@code text()} trims the whole text (every
     * character up to U+0020 at both ends), so once a character after the bound is not trimmed,
     * the cut text is known.
     */
    private boolean isComplete() {
        int length = text.length();
        return length > maxChars && text.charAt(length - 1) > ' ' && length > leadingTrimmed() + maxChars;
    }

    private int leadingTrimmed() {
        int start = 0;
        while (start < text.length() && text.charAt(start) <= ' ') {
            start++;
        }
        return start;
    }

    private String result() {
        int start = leadingTrimmed();
        int end = text.length();
        while (end > start && text.charAt(end - 1) <= ' ') {
            end--;
        }
        if (end - start > maxChars) {
            end = start + maxChars;
            // Never split a surrogate pair.
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
        }
        return text.substring(start, end);
    }
}
