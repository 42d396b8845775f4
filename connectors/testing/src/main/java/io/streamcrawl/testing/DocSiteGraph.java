package io.streamcrawl.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The deterministic layout of a generated documentation site (see {@link DocSiteGenerator}): its
 * pages, their paths, their sizes and the pages each one links to.
 *
 * <p>Page 0 is {@code /}. The other pages are split into sections of at most
 * {@value #PAGES_PER_SECTION}; a section's first page is its index {@code /docs/<section>/}, and
 * within a section the pages form a tree with {@value #BRANCHING} children per page, so every
 * page is reachable from the root through child links. On top of the tree every page carries the
 * navigation of a real documentation site (header, sidebar with all sections and the section's
 * table of contents, breadcrumbs, previous/next) and cross links that favour popular pages, so
 * most links a crawler finds are duplicates.
 *
 * <p>Sizes follow a log-normal distribution (median {@value #MEDIAN_BYTES} bytes, clamped to
 * {@value #MIN_BYTES}..{@value #MAX_BYTES}), and every {@value #HUGE_EVERY}th page is a huge
 * reference page of 1 to 4 MB, so the average is near 25 KB.
 */
public final class DocSiteGraph {
    static final int PAGES_PER_SECTION = 400;
    static final int MAX_SECTIONS = 40;
    static final int BRANCHING = 8;
    static final int HEADER_SECTIONS = 6;
    static final int TOC_PAGES = 20;
    static final int LINKS_PER_PAGE = 112;
    static final int MEDIAN_BYTES = 13_500;
    static final int MIN_BYTES = 2_048;
    static final int MAX_BYTES = 4 << 20;
    static final int HUGE_EVERY = 2_500;
    /** Pages smaller than this have the compact layout of a short page: no sidebar. */
    static final int COMPACT_BELOW = 6_144;
    /** The markup a link costs, roughly: pages too small for all their links get fewer. */
    private static final int BYTES_PER_LINK = 70;
    private static final int BASE_BYTES = 1_500;
    private static final int MIN_LINKS = 12;

    private final int pages;
    private final long seed;
    private final int sectionSize;
    private final int sections;
    private final String[] sectionSlugs;

    public DocSiteGraph(int pages, long seed) {
        if (pages < 1) {
            throw new IllegalArgumentException("pages must be positive, was " + pages);
        }
        this.pages = pages;
        this.seed = seed;
        int wanted = Math.max(1, Math.min(MAX_SECTIONS, ceilDiv(pages - 1, PAGES_PER_SECTION)));
        this.sectionSize = Math.max(1, ceilDiv(pages - 1, wanted));
        this.sections = ceilDiv(pages - 1, sectionSize);
        this.sectionSlugs = new String[sections];
        for (int s = 0; s < sections; s++) {
            sectionSlugs[s] = Words.slug(new Random(seed * 7919 + s), 2) + "-" + s;
        }
    }

    public int pages() {
        return pages;
    }

    public int sections() {
        return sections;
    }

    /** The URL path of a page: {@code /}, {@code /docs/<section>/} or {@code /docs/<section>/<page>.html}. */
    public String pathOf(int page) {
        if (page == 0) {
            return "/";
        }
        int section = sectionOf(page);
        String dir = "/docs/" + sectionSlugs[section] + "/";
        return page == firstOf(section) ? dir : dir + Words.slug(random(page, 1), 3) + "-" + page + ".html";
    }

    /** The title of a page. */
    String titleOf(int page) {
        return page == 0 ? "Documentation" : Words.title(random(page, 1), 4);
    }

    /** The target size of a page's HTML in bytes. */
    public int sizeOf(int page) {
        Random random = random(page, 2);
        if (page > 0 && page % HUGE_EVERY == 0) {
            return (1 << 20) + random.nextInt(3 << 20);
        }
        double size = MEDIAN_BYTES * Math.exp(random.nextGaussian());
        return (int) Math.max(MIN_BYTES, Math.min(MAX_BYTES, size));
    }

    /** The pages of a page's header: the root and the first sections. */
    List<Integer> headerOf(int page) {
        List<Integer> links = new ArrayList<>(List.of(0));
        for (int s = 0; s < Math.min(HEADER_SECTIONS, sections); s++) {
            links.add(firstOf(s));
        }
        return links;
    }

    /** The sidebar: every section's index, then the table of contents of the page's own section. */
    List<Integer> sidebarOf(int page) {
        List<Integer> links = new ArrayList<>();
        if (sizeOf(page) < COMPACT_BELOW) {
            return links; // short pages have a compact layout
        }
        for (int s = 0; s < sections; s++) {
            links.add(firstOf(s));
        }
        if (sections > 0) {
            int section = page == 0 ? 0 : sectionOf(page);
            for (int p = firstOf(section) + 1; p < Math.min(endOf(section), firstOf(section) + 1 + TOC_PAGES); p++) {
                links.add(p);
            }
        }
        return links;
    }

    /** The path from the root to the page's parent, root first. */
    List<Integer> breadcrumbsOf(int page) {
        List<Integer> chain = new ArrayList<>();
        for (int p = parentOf(page); p >= 0; p = parentOf(p)) {
            chain.add(0, p);
        }
        return chain;
    }

    /** The page's children in its section's tree (for the root: the section indexes). */
    List<Integer> childrenOf(int page) {
        List<Integer> children = new ArrayList<>();
        if (page == 0) {
            for (int s = 0; s < sections; s++) {
                children.add(firstOf(s));
            }
            return children;
        }
        int section = sectionOf(page);
        int local = page - firstOf(section);
        for (int c = local * BRANCHING + 1; c <= local * BRANCHING + BRANCHING; c++) {
            if (firstOf(section) + c < endOf(section)) {
                children.add(firstOf(section) + c);
            }
        }
        return children;
    }

    /** The cross links of the page's text: enough to bring the page to its link budget; popular pages come up often. */
    List<Integer> crossLinksOf(int page) {
        int structural = headerOf(page).size() + sidebarOf(page).size() + breadcrumbsOf(page).size()
                + childrenOf(page).size() + 2;
        Random random = random(page, 3);
        List<Integer> links = new ArrayList<>();
        for (int i = structural; i < linkBudgetOf(page); i++) {
            double u = random.nextDouble();
            // Cubing skews the choice towards the first pages: the "getting started" pages every page cites.
            links.add(random.nextInt(4) == 0 ? random.nextInt(pages) : (int) (pages * u * u * u));
        }
        return links;
    }

    /** The previous and next pages in reading order, when they exist. */
    List<Integer> neighboursOf(int page) {
        List<Integer> links = new ArrayList<>();
        if (page > 0) {
            links.add(page - 1);
        }
        if (page + 1 < pages) {
            links.add(page + 1);
        }
        return links;
    }

    private int linkBudgetOf(int page) {
        int size = sizeOf(page);
        int fitting = Math.max(MIN_LINKS, (size - BASE_BYTES) / BYTES_PER_LINK);
        // Long pages cite more pages than short ones, but not in proportion to their size.
        int extra = size > 64 << 10 ? Math.min(LINKS_PER_PAGE, size >> 12) : 0;
        return Math.min(LINKS_PER_PAGE, fitting) + extra;
    }

    private int parentOf(int page) {
        if (page == 0) {
            return -1;
        }
        int section = sectionOf(page);
        int local = page - firstOf(section);
        return local == 0 ? 0 : firstOf(section) + (local - 1) / BRANCHING;
    }

    private int sectionOf(int page) {
        return (page - 1) / sectionSize;
    }

    private int firstOf(int section) {
        return 1 + section * sectionSize;
    }

    private int endOf(int section) {
        return Math.min(pages, firstOf(section) + sectionSize);
    }

    /** A random source per page and purpose, so one page's layout never depends on another's. */
    Random random(int page, int purpose) {
        return new Random((seed * 1_000_003L + page) * 31 + purpose);
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
