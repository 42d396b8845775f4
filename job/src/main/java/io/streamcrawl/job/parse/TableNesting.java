package io.streamcrawl.job.parse;

import java.util.Arrays;

/**
 * The tables and cells open at a point of a page, as far as {@link HtmlScanner} needs them: to know
 * whether a tag stands in a table but outside its cells, where jsoup's tree builder would move it
 * in front of the table ("foster parenting") and so change the order of the page's links. A
 * caption counts as a cell. It may close a cell that jsoup keeps open, never the other way: then
 * the scanner is unsure rather than wrong.
 */
final class TableNesting {
    private static final byte TABLE = 0;
    private static final byte CELL = 1;

    /** The open tables and cells, innermost last. */
    private byte[] open = new byte[8];
    private int depth;

    /** Whether a table is open but none of its cells: jsoup moves what stands here before the table. */
    boolean outsideCell() {
        return depth > 0 && open[depth - 1] == TABLE;
    }

    /** Whether a table is open. */
    boolean inTable() {
        return depth > 0;
    }

    /**
     * Follows a start tag; false when it is one a table's structure cannot hold here (a table or any
     * other tag but a script or style between cells), true when it is the table's own or in a cell.
     */
    boolean start(String name) {
        boolean inCell = depth > 0 && open[depth - 1] == CELL;
        switch (name) {
            case "table" -> {
                if (depth > 0 && !inCell) {
                    return false;
                }
                push(TABLE);
                return true;
            }
            case "td", "th", "caption" -> {
                if (depth > 0) {
                    closeCell();
                    push(CELL);
                }
                return true;
            }
            case "tr", "tbody", "thead", "tfoot", "col", "colgroup" -> {
                closeCell();
                return true;
            }
            case "script", "style" -> {
                return true;
            }
            default -> {
                return !outsideCell();
            }
        }
    }

    /** Follows an end tag. */
    void end(String name) {
        switch (name) {
            case "td", "th", "caption", "tr", "tbody", "thead", "tfoot" -> closeCell();
            case "table" -> {
                closeCell();
                if (depth > 0) {
                    depth--;
                }
            }
            default -> { }
        }
    }

    private void closeCell() {
        if (depth > 0 && open[depth - 1] == CELL) {
            depth--;
        }
    }

    private void push(byte kind) {
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = kind;
    }
}
