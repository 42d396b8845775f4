package io.streamcrawl.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A local web site for crawl tests: an in-process HTTP server on loopback that serves the pages
 * of a {@link SiteGraph} and a robots.txt, counts the requests per path so a test can assert
 * that each page was fetched exactly once, records when each request arrived and how many
 * overlapped (for politeness tests), and lets a test replace any path with a {@link Route}
 * (slow responses, redirects, errors, huge bodies).
 *
 * <p>Page 0 is {@code /}; page {@code i} is {@code /pages/i.html}. With
 * {@link Builder#nearDuplicates(int)} every page has a text of its own, and some pages are near
 * duplicates of others (see {@link #nearDuplicatePaths()}). With {@link Builder#validators()} the
 * pages carry an {@code ETag} and a {@code Last-Modified} of their revision, answer a request whose
 * {@code If-None-Match} names the current one with {@code 304}, and {@link #change} makes a new
 * revision of a page.
 */
public final class TestSite implements AutoCloseable {
    /** A handler that replaces what the site serves at one path. */
    @FunctionalInterface
    public interface Route {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** The Last-Modified of every page's first revision; each revision is a second later. */
    private static final Instant LAST_MODIFIED = Instant.parse("2026-01-01T00:00:00Z");

    private final SiteGraph graph;
    private final int pageBytes;
    private final int requestedPort;
    private final String address;
    /** Near-duplicate page to the page whose content it copies; empty unless asked for. */
    private final Map<Integer, Integer> copies;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    /** Paths a page links to besides its graph's links, in its footer. */
    private final Map<Integer, List<String>> extraLinks = new ConcurrentHashMap<>();
    private final AtomicLong lastRequestNanos = new AtomicLong();
    private final List<Arrival> arrivals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger concurrentRequests = new AtomicInteger();
    private final AtomicInteger maxConcurrentRequests = new AtomicInteger();
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile String robotsTxt = "User-agent: *\nAllow: /\n";
    /** Whether pages carry validators and answer conditional requests. */
    private final boolean validators;
    /** Each changed page's revision; 0 for the others. */
    private final Map<Integer, Integer> revisions = new ConcurrentHashMap<>();
    private final AtomicInteger conditionalRequests = new AtomicInteger();
    private final AtomicInteger notModified = new AtomicInteger();
    private HttpServer server;
    private ExecutorService executor;

    private TestSite(Builder builder) {
        this.graph = new SiteGraph(builder.pages, builder.linksPerPage, builder.depth, builder.seed);
        this.pageBytes = builder.pageBytes;
        this.requestedPort = builder.port;
        this.address = builder.address;
        this.copies = copiesOf(graph, builder.nearDuplicates);
        this.validators = builder.validators;
    }

    /**
     * The last {@code pairs} pages copy the {@code pairs} pages before them. All of them must be
     * leaves: a copy serves its original's links, so a page that only a copy's own links reached
     * would be lost, and a copy's links must not shorten any page's distance from the root.
     */
    private static Map<Integer, Integer> copiesOf(SiteGraph graph, int pairs) {
        Map<Integer, Integer> copies = new TreeMap<>();
        int first = graph.pages() - 2 * pairs;
        if (pairs > 0 && (first < 1 || !graph.isLeaf(first))) {
            throw new IllegalArgumentException(pairs + " near-duplicate pairs need " + 2 * pairs
                    + " leaf pages; the site has too few: add pages or depth");
        }
        for (int i = 0; i < pairs; i++) {
            copies.put(graph.pages() - pairs + i, first + i);
        }
        return copies;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether this machine can serve on the IPv6 loopback {@code ::1} (a site on it is a test's assumption). */
    public static boolean ipv6LoopbackAvailable() {
        try (ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Binds the server on its loopback address (a free port unless the builder named one) and starts serving. */
    public TestSite start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), requestedPort), 256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the test site on port " + requestedPort, e);
        }
        executor = Executors.newFixedThreadPool(16);
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
        return this;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    public SiteGraph graph() {
        return graph;
    }

    /** {@code http://<address>:<port>} (an IPv6 address in brackets), without a trailing slash. */
    public String baseUrl() {
        String host = address.contains(":") ? "[" + address + "]" : address;
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    public static String pathOf(int page) {
        return page == 0 ? "/" : "/pages/" + page + ".html";
    }

    public String urlOf(int page) {
        return baseUrl() + pathOf(page);
    }

    /** The paths of all pages of the site. */
    public Set<String> pagePaths() {
        return graph.pagesWithinDepth(Integer.MAX_VALUE).stream().map(TestSite::pathOf).collect(Collectors.toSet());
    }

    /** The paths of the pages whose link distance from the root is at most {@code maxDepth}. */
    public Set<String> pagePathsWithinDepth(int maxDepth) {
        return graph.pagesWithinDepth(maxDepth).stream().map(TestSite::pathOf).collect(Collectors.toSet());
    }

    /**
     * The near-duplicate pages by path, each with the path of the page whose content it serves:
     * the same HTML (title and links too) plus a footer of one word. Empty unless the builder asked for them.
     */
    public Map<String, String> nearDuplicatePaths() {
        Map<String, String> paths = new TreeMap<>();
        copies.forEach((copy, original) -> paths.put(pathOf(copy), pathOf(original)));
        return paths;
    }

    /** Requests seen so far per path (with its query), sorted by path. */
    public Map<String, Integer> requestCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        requests.forEach((path, count) -> counts.put(path, count.get()));
        return counts;
    }

    public int requestCount(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    public int totalRequests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** When a request arrived: its path (with query) and {@link System#nanoTime()}. */
    public record Arrival(String path, long nanos) {}

    /** Every request so far in arrival order. */
    public List<Arrival> arrivals() {
        synchronized (arrivals) {
            return List.copyOf(arrivals);
        }
    }

    /** The most requests the site was serving at the same time so far. */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests.get();
    }

    /** Holds every response (routes included) this long before sending it, to make requests overlap. */
    public void responseDelay(Duration delay) {
        this.responseDelay = delay;
    }

    /** {@link System#nanoTime()} of the latest request, 0 before the first. */
    public long lastRequestNanos() {
        return lastRequestNanos.get();
    }

    /** Requests so far that carried an {@code If-None-Match} header, on any path. */
    public int conditionalRequests() {
        return conditionalRequests.get();
    }

    /** {@code 304 Not Modified} answers so far. */
    public int notModifiedAnswers() {
        return notModified.get();
    }

    /** Makes a new revision of page {@code page}: new text, and with validators a new ETag and Last-Modified. */
    public void change(int page) {
        revisions.merge(page, 1, Integer::sum);
    }

    public void resetCounts() {
        requests.clear();
        arrivals.clear();
        maxConcurrentRequests.set(0);
    }

    public void robotsTxt(String content) {
        this.robotsTxt = content;
    }

    /** Serves {@code path} (without query) with {@code route} from now on; requests are still counted. */
    public void route(String path, Route route) {
        routes.put(path, route);
    }

    /** Makes page {@code page} also link to {@code path} (a route's, say), in its footer. */
    public void link(int page, String path) {
        extraLinks.computeIfAbsent(page, p -> new CopyOnWriteArrayList<>()).add(path);
    }

    private void serve(HttpExchange exchange) throws IOException {
        int concurrent = concurrentRequests.incrementAndGet();
        maxConcurrentRequests.accumulateAndGet(concurrent, Math::max);
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String pathAndQuery = query == null ? rawPath : rawPath + "?" + query;
            long now = System.nanoTime();
            requests.computeIfAbsent(pathAndQuery, p -> new AtomicInteger()).incrementAndGet();
            if (exchange.getRequestHeaders().containsKey("If-None-Match")) {
                conditionalRequests.incrementAndGet();
            }
            arrivals.add(new Arrival(pathAndQuery, now));
            lastRequestNanos.set(now);
            delay();
            Route route = routes.get(rawPath);
            if (route != null) {
                route.handle(exchange);
            } else if (rawPath.equals("/robots.txt")) {
                Responses.send(exchange, 200, "text/plain; charset=utf-8", robotsTxt);
            } else {
                int page = pageOf(rawPath);
                if (page < 0) {
                    Responses.send(exchange, 404, "text/html; charset=utf-8", "<html><body>not found</body></html>");
                } else if (!notModified(exchange, page)) {
                    Responses.send(exchange, 200, "text/html; charset=utf-8", render(page));
                }
            }
        } finally {
            concurrentRequests.decrementAndGet();
        }
    }

    /** With validators: sets the page's, and answers 304 when the request names its current ETag. */
    private boolean notModified(HttpExchange exchange, int page) throws IOException {
        if (!validators) {
            return false;
        }
        int revision = revisions.getOrDefault(page, 0);
        String etag = "\"" + page + "-" + revision + "\"";
        exchange.getResponseHeaders().set("ETag", etag);
        exchange.getResponseHeaders().set("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                LAST_MODIFIED.plusSeconds(revision).atZone(ZoneOffset.UTC)));
        if (!etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            return false;
        }
        notModified.incrementAndGet();
        exchange.sendResponseHeaders(304, -1);
        return true;
    }

    private void delay() {
        Responses.hold(responseDelay);
    }

    private String render(int page) {
        StringBuilder footer = new StringBuilder();
        int revision = revisions.getOrDefault(page, 0);
        if (revision > 0) {
            footer.append("revision ").append(revision).append(' ');
        }
        for (String path : extraLinks.getOrDefault(page, List.of())) {
            footer.append("<a href=\"").append(path).append("\">more</a> ");
        }
        if (copies.isEmpty()) {
            return PageRenderer.render(graph, page, pageBytes, baseUrl(), false, footer.toString());
        }
        Integer original = copies.get(page);
        return original == null
                ? PageRenderer.render(graph, page, pageBytes, baseUrl(), true, footer.toString())
                : PageRenderer.render(graph, original, pageBytes, baseUrl(), true, ("mirror " + footer).strip());
    }

    private int pageOf(String path) {
        if (path.equals("/")) {
            return 0;
        }
        if (path.startsWith("/pages/") && path.endsWith(".html")) {
            try {
                int page = Integer.parseInt(path.substring("/pages/".length(), path.length() - ".html".length()));
                return page > 0 && page < graph.pages() ? page : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Where {@link #main} serves the requests counted so far, for tests in other processes (the
     * cluster scripts): one {@code <count> <path>} line per path, this one included.
     */
    public static final String REQUESTS_PATH = "/_test/requests";

    /**
     * Serves a generated site until the process is killed: {@code --address A --port P --pages N --links L --depth D
     * --page-bytes B --near-duplicates K}, with the request counts at {@link #REQUESTS_PATH}.
     */
    public static void main(String[] args) throws InterruptedException {
        Builder builder = builder();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--address")) {
                builder.address(args[i + 1]);
                continue;
            }
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--port" -> builder.port(value);
                case "--pages" -> builder.pages(value);
                case "--links" -> builder.linksPerPage(value);
                case "--depth" -> builder.depth(value);
                case "--page-bytes" -> builder.pageBytes(value);
                case "--near-duplicates" -> builder.nearDuplicates(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        TestSite site = builder.build().start();
        site.route(REQUESTS_PATH, exchange -> Responses.send(exchange, 200, "text/plain; charset=utf-8",
                site.requestCounts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey() + "\n")
                        .collect(Collectors.joining())));
        System.out.println("serving " + site.graph.pages() + " pages at " + site.baseUrl() + "/");
        Thread.currentThread().join();
    }

    /** Configures a {@link TestSite}; the defaults make a 500-page site of depth 3 with 20 links per page. */
    public static final class Builder {
        private int pages = 500;
        private int linksPerPage = 20;
        private int depth = 3;
        private int pageBytes = 4096;
        private long seed = 42;
        private int port = 0;
        private String address = "127.0.0.1";
        private int nearDuplicates = 0;
        private boolean validators;

        /** Pages with validators that answer a conditional request for their current revision with 304. */
        public Builder validators() {
            this.validators = true;
            return this;
        }

        public Builder pages(int pages) {
            this.pages = pages;
            return this;
        }

        public Builder linksPerPage(int linksPerPage) {
            this.linksPerPage = linksPerPage;
            return this;
        }

        public Builder depth(int depth) {
            this.depth = depth;
            return this;
        }

        /** The approximate size of each page's HTML. */
        public Builder pageBytes(int pageBytes) {
            this.pageBytes = pageBytes;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Gives every page a text of its own (so distinct pages are far apart by SimHash) and
         * makes the last {@code pairs} pages near duplicates of the {@code pairs} pages before them.
         */
        public Builder nearDuplicates(int pairs) {
            this.nearDuplicates = pairs;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * The loopback address to serve on (any of 127.0.0.0/8 on Linux, or {@code ::1}): sites on
         * different addresses are different hosts to the crawler.
         */
        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public TestSite build() {
            return new TestSite(this);
        }
    }
}
