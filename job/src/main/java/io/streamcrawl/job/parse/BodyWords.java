package io.streamcrawl.job.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of a page's visible text as {@link HtmlScanner} reads them, for the SimHash, which
 * reads only the sequence of words (runs of letters and digits), not what separates them. The
 * scanner hands over the body's text runs in document order, entity-decoded, and its tags; the
 * one thing jsoup's tree decides for the words is whether the text on either side of tags is one
 * word or two. {@link VisibleText} puts a space where a block element or a {@code <br>} starts, and
 * after an element that is a block or holds one when text or an inline element follows. That
 * matters only where a letter or digit stands on both sides, and there it is decided only when
 * the tags say it plainly: the start tag of a block the body always inserts splits, the tags of
 * plain inline elements (none holding a block) join; any other tag there and the words are unsure.
 *
 * <p>Unsure too: a NUL, zero-width space or soft hyphen in the text (jsoup drops them or keeps them
 * by context) and a text so long that {@link VisibleText}'s cut could fall in it. Not thread-safe:
 * one per page.
 */
final class BodyWords {
    /** What the tags since the last text do to the words on either side. */
    private enum Boundary { JOIN, UNKNOWN, SPLIT }

    private final StringBuilder text;
    private final int maxTextChars;
    /** Whether the text ends in a letter or digit (or half a surrogate pair): a word the next text may continue. */
    private boolean openWord;
    private Boundary boundary = Boundary.JOIN;
    /** The plain inline elements open, innermost last. */
    private final List<String> inline = new ArrayList<>();
    /** Whether an element other than a plain inline one or a br started inside a plain inline one. */
    private boolean blockInInline;
    private boolean unsure;
    private int runs;

    /**
     * @param maxTextChars the bound at which {@link VisibleText} cuts the text
     * @param capacity a guess of the text's length, to size the buffer
     */
    BodyWords(int maxTextChars, int capacity) {
        this.maxTextChars = maxTextChars;
        this.text = new StringBuilder(Math.min(capacity, maxTextChars));
    }

    /** A run of the body's text, entity-decoded. */
    void text(String run) {
        if (run.isEmpty() || unsure) {
            return;
        }
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (c == 0 || c == '\u200b' || c == '\u00ad') {
                unsure = true;
                return;
            }
        }
        if (openWord && startsWord(run) && boundary == Boundary.UNKNOWN) {
            unsure = true;
            return;
        }
        if (boundary == Boundary.SPLIT && !text.isEmpty()) {
            text.append(' ');
        }
        text.append(run);
        openWord = endsWord(run);
        boundary = Boundary.JOIN;
        // VisibleText's text is at most the text's characters and a separator before each run (it
        // normalizes whitespace, never adds any within a run).
        runs++;
        if ((long) text.length() + runs > maxTextChars) {
            unsure = true;
        }
    }

    /**
     * A start tag in the body (or before it, where no text has come yet).
     *
     * @param inTable whether a table is open, so that jsoup inserts its rows and cells
     */
    void startTag(String name, boolean inTable) {
        if (isPlainInline(name)) {
            if (!isVoid(name)) {
                inline.add(name);
            }
            follow(blockInInline ? Boundary.UNKNOWN : Boundary.JOIN);
            return;
        }
        Boundary effect = switch (name) {
            // jsoup ignores these in the body (merging html's and body's attributes).
            case "html", "body", "head" -> null;
            case "td", "th", "tr", "tbody", "thead", "tfoot", "caption", "col", "colgroup" -> inTable ? Boundary.SPLIT : null;
            case "br", "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
                    "dt", "dd", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                    "header", "hgroup", "hr", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "search",
                    "section", "ul", "table", "script", "style", "meta", "link", "title", "noframes" -> Boundary.SPLIT;
            default -> Boundary.UNKNOWN;
        };
        if (effect == null) {
            return;
        }
        if (!inline.isEmpty() && !name.equals("br")) {
            blockInInline = true;
        }
        follow(effect);
    }

    /** An end tag in the body. */
    void endTag(String name) {
        if (isPlainInline(name)) {
            int open = inline.lastIndexOf(name);
            if (open >= 0) {
                inline.subList(open, inline.size()).clear();
            }
            follow(blockInInline ? Boundary.UNKNOWN : Boundary.JOIN);
            return;
        }
        switch (name) {
            // jsoup ignores </head> in the body; </body> and </html> close nothing.
            case "html", "body", "head" -> { }
            case "br" -> follow(Boundary.SPLIT);   // jsoup reads </br> as <br>
            // Whether a block's end separates depends on what follows it (text, an inline element, a comment).
            default -> follow(Boundary.UNKNOWN);
        }
    }

    /** The text with VisibleText's words, or null when unsure. */
    String words() {
        return unsure ? null : text.toString();
    }

    private void follow(Boundary effect) {
        if (effect.compareTo(boundary) > 0) {
            boundary = effect;
        }
    }

    /**
     * Inline elements that are no text boundary for jsoup and that its tree builder inserts in place
     * (at most re-opened by the adoption agency, inline again); {@code base}, {@code basefont} and
     * {@code bgsound} are void.
     */
    private static boolean isPlainInline(String name) {
        return switch (name) {
            case "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
                    "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
                    "time", "tt", "u", "var", "wbr", "base", "basefont", "bgsound" -> true;
            default -> false;
        };
    }

    private static boolean isVoid(String name) {
        return switch (name) {
            case "wbr", "base", "basefont", "bgsound" -> true;
            default -> false;
        };
    }

    private static boolean startsWord(String run) {
        char c = run.charAt(0);
        return Character.isSurrogate(c) || Character.isLetterOrDigit(c);
    }

    private static boolean endsWord(String run) {
        char c = run.charAt(run.length() - 1);
        return Character.isSurrogate(c) || Character.isLetterOrDigit(c);
    }
}
