package io.streamcrawl.job.parse;

import org.jsoup.parser.Parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The attributes of one tag as jsoup's tokeniser reads them, for {@link HtmlScanner}: names lower
 * case, the first of a name winning, values entity-decoded (NUL as U+FFFD). Reused from tag to
 * tag of one page; not thread-safe.
 */
final class TagAttributes {
    private final String html;
    private final int length;
    private final List<String> names = new ArrayList<>(8);
    private final List<String> values = new ArrayList<>(8);

    TagAttributes(String html) {
        this.html = html;
        this.length = html.length();
    }

    /**
     * Reads a tag's attributes from {@code p} to its {@code >} (into the attribute lists when
     * {@code collect}, the first of a name winning); returns the position after the tag, or -1 when
     * unsure (the page ends in the tag, a {@code <} or NUL outside a quoted value, a control
     * character in a collected name).
     */
    int read(int p, boolean collect) {
        names.clear();
        values.clear();
        while (true) {
            p = skipWhitespace(html, p);
            int c = charAt(p);
            if (c < 0 || c == '<' || c == 0) {
                return -1;
            }
            if (c == '>') {
                return p + 1;
            }
            if (c == '/') {
                p++;
                if (charAt(p) == '>') {
                    return p + 1;
                }
                continue;
            }
            int nameStart = p++;   // '=', '"' and '\'' may start a name
            while (p < length) {
                char n = html.charAt(p);
                if (isWhitespace(n) || n == '/' || n == '=' || n == '>') {
                    break;
                }
                if (n == '<' || n == 0) {
                    return -1;
                }
                p++;
            }
            int nameEnd = p;
            p = skipWhitespace(html, p);
            if (charAt(p) != '=') {
                if (collect && !add(nameStart, nameEnd, "")) {
                    return -1;
                }
                continue;
            }
            p = skipWhitespace(html, p + 1);
            c = charAt(p);
            String value;
            if (c == '"' || c == '\'') {
                int close = html.indexOf(c, p + 1);
                if (close < 0) {
                    return -1;
                }
                value = collect ? decode(p + 1, close) : null;
                p = close + 1;
            } else if (c == '>') {
                value = "";
            } else {
                int valueStart = p;
                while (p < length) {
                    char v = html.charAt(p);
                    if (isWhitespace(v) || v == '>') {
                        break;
                    }
                    if (v == '<' || v == 0) {
                        return -1;
                    }
                    p++;
                }
                if (p >= length) {
                    return -1;
                }
                value = collect ? decode(valueStart, p) : null;
            }
            if (collect && !add(nameStart, nameEnd, value)) {
                return -1;
            }
        }
    }

    /** The value of the last tag's attribute {@code name} (read with collect), null when it has none. */
    String get(String name) {
        int i = names.indexOf(name);
        return i < 0 ? null : values.get(i);
    }

    /** Adds an attribute unless one of its name came first; false when its name makes the scanner unsure. */
    private boolean add(int nameStart, int nameEnd, String value) {
        String name = normalName(html, nameStart, nameEnd);
        if (name == null) {
            return false;
        }
        if (!name.isEmpty() && !names.contains(name)) {
            names.add(name);
            values.add(value);
        }
        return true;
    }

    private String decode(int from, int to) {
        String value = html.substring(from, to).replace('\0', '\uFFFD');
        return value.indexOf('&') < 0 ? value : Parser.unescapeEntities(value, true);
    }

    /** A tag or attribute name as jsoup keeps it: lower case; null when a control character in it makes the scanner unsure. */
    static String normalName(String html, int from, int to) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = html.charAt(i);
            if (c < ' ') {
                return null;
            }
            plain &= c < 0x7f && (c < 'A' || c > 'Z');
        }
        String name = html.substring(from, to);
        return plain ? name : name.toLowerCase(Locale.ENGLISH);
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    }

    private static int skipWhitespace(String html, int p) {
        while (p < html.length() && isWhitespace(html.charAt(p))) {
            p++;
        }
        return p;
    }

    private int charAt(int p) {
        return p < length ? html.charAt(p) : -1;
    }
}
