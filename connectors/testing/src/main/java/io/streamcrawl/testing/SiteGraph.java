package io.streamcrawl.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The deterministic link graph of a {@link TestSite}: pages form a tree (page 0 is the root,
 * heap layout with the smallest branching that fits the pages into the depth), and every page
 * adds navigation links to pages at its own level or above, so a page's link distance from the
 * root is exactly its tree level whatever the cross links are.
 */
public final class SiteGraph {
    private final int pages;
    private final int linksPerPage;
    private final int branching;
    private final long seed;

    SiteGraph(int pages, int linksPerPage, int depth, long seed) {
        if (pages < 1 || linksPerPage < 1 || depth < 1) {
            throw new IllegalArgumentException(
                    "pages, linksPerPage and depth must be positive: " + pages + ", " + linksPerPage + ", " + depth);
        }
        this.pages = pages;
        this.linksPerPage = linksPerPage;
        this.branching = branchingFor(pages, depth);
        this.seed = seed;
    }

    public int pages() {
        return pages;
    }

    /** The tree level of a page, which is also its shortest link distance from the root. */
    public int depthOf(int page) {
        int depth = 0;
        for (int p = page; p > 0; p = parentOf(p)) {
            depth++;
        }
        return depth;
    }

    /** The pages a page links to, in document order; may contain repeats. */
    public List<Integer> linksOf(int page) {
        List<Integer> links = new ArrayList<>();
        for (long child = (long) page * branching + 1; child <= (long) page * branching + branching && child < pages; child++) {
            links.add((int) child);
        }
        Random random = new Random(seed * 31 + page);
        links.add(0);
        if (page > 0) {
            links.add(parentOf(page));
        }
        while (links.size() < linksPerPage) {
            links.add(random.nextInt(page + 1));
        }
        if (!links.isEmpty()) {
            links.add(links.get(random.nextInt(links.size())));
        }
        return Collections.unmodifiableList(links);
    }

    /** Whether a page has no children in the tree, so that nothing but its parent makes it reachable. */
    public boolean isLeaf(int page) {
        return (long) page * branching + 1 >= pages;
    }

    /** The pages whose distance from the root is at most {@code maxDepth}. */
    public Set<Integer> pagesWithinDepth(int maxDepth) {
        Set<Integer> result = new LinkedHashSet<>();
        for (int page = 0; page < pages; page++) {
            if (depthOf(page) <= maxDepth) {
                result.add(page);
            }
        }
        return result;
    }

    private int parentOf(int page) {
        return (page - 1) / branching;
    }

    private static int branchingFor(int pages, int depth) {
        for (int b = 1; ; b++) {
            long capacity = 0;
            long level = 1;
            for (int d = 0; d <= depth && capacity < pages; d++) {
                capacity += level;
                level *= b;
            }
            if (capacity >= pages) {
                return b;
            }
        }
    }
}
