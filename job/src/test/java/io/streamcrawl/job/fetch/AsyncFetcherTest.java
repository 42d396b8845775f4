package io.streamcrawl.job.fetch;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.FailureScope;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.HttpMessages;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.url.TaskScope;
import com.sun.net.httpserver.HttpExchange;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.Responses;
import io.streamcrawl.testing.TestSite;


import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.functions.util.RuntimeUDFContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

class AsyncFetcherTest {
    private static final FetcherSettings OPTIONS =
            new FetcherSettings(16, 4, Duration.ofSeconds(2), Duration.ofSeconds(5), 8, Duration.ofSeconds(5), Duration.ofMinutes(1),
                    64L << 20);
    private static final String[] HTML = {"text/html", "application/xhtml+xml"};
    private static final String USER_AGENT = "streamcrawl-test/1.0 (+https://example.org/bot)";

    private static TestSite site;

    private CountDownLatch release;
    private InterceptingOperatorMetricGroup metrics;
    private AsyncFetcher fetcher;

    @BeforeAll
    static void startSite() {
        site = TestSite.builder().pages(50).build().start();
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    @BeforeEach
    void openFetcher() throws Exception {
        release = new CountDownLatch(1);
        openFetcher(OPTIONS);
    }

    private void openFetcher(FetcherSettings options) throws Exception {
        metrics = new InterceptingOperatorMetricGroup();
        fetcher = new AsyncFetcher(options);
        fetcher.setRuntimeContext(new RuntimeUDFContext(
                new TaskInfoImpl("fetch", 1, 0, 1, 0), getClass().getClassLoader(), new ExecutionConfig(),
                Map.of(), Map.of(), metrics));
        fetcher.open(DefaultOpenContext.INSTANCE);
    }

    @AfterEach
    void closeFetcher() throws Exception {
        release.countDown();
        fetcher.close();
    }

    @Test
    void fetchesAnHtmlPage() throws Exception {
        FetchResult result = fetch(request(site.urlOf(7), settings(5_000, 1_000_000)));

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.error()).isNull();
        assertThat(result.finalUrl()).isEqualTo(site.urlOf(7));
        assertThat(result.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).contains("<title>Page 7</title>").endsWith("</html>\n");
        assertThat(result.truncated()).isFalse();
        assertThat(result.fetchMs()).isBetween(0L, 5_000L);
        assertThat(result.fetchedAtMillis()).isCloseTo(System.currentTimeMillis(), within(10_000L));
        assertThat(site.requestCount(TestSite.pathOf(7))).isEqualTo(1);
        assertThat(counter("crawler_http_status_2xx_total")).isEqualTo(1);
        assertThat(counter("crawler_fetch_errors_total")).isZero();
        assertThat(((Histogram) metrics.get("crawler_fetch_latency")).getCount()).isEqualTo(1);
    }

    @Test
    void sendsTheTasksUserAgentAndReportsRedirectsOfPagesButFollowsThoseOfRobotsTxt() throws Exception {
        site.route("/ua", exchange -> Responses.send(
                exchange, 200, "text/html", "<p>" + exchange.getRequestHeaders().getFirst("User-Agent") + "</p>"));
        site.route("/moved", exchange -> {
            exchange.getResponseHeaders().set("Location", "/pages/3.html");
            exchange.sendResponseHeaders(301, -1);
        });
        site.route("/robots-moved/robots.txt", exchange -> {
            exchange.getResponseHeaders().set("Location", "/robots.txt");
            exchange.sendResponseHeaders(302, -1);
        });

        FetchResult ua = fetch(request(site.baseUrl() + "/ua", settings(5_000, 10_000)));
        FetchResult moved = fetch(request(site.baseUrl() + "/moved", settings(5_000, 1_000_000)));
        FetchRequest robots = request(site.baseUrl() + "/robots-moved/robots.txt", settings(5_000, 10_000));
        FetchResult robotsMoved = fetch(FetchFixtures.request(robots.url(), FetchPurpose.ROBOTS, robots.scope(),
                FetchFixtures.settings(USER_AGENT, 5_000, 10_000, new String[0], 1), 0, 0, false));

        assertThat(new String(ua.body(), StandardCharsets.UTF_8)).isEqualTo("<p>" + USER_AGENT + "</p>");
        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.location()).isEqualTo(site.urlOf(3));
        assertThat(moved.finalUrl()).isEqualTo(site.baseUrl() + "/moved");
        assertThat(moved.body()).isEmpty();
        assertThat(site.requestCount(TestSite.pathOf(3))).isZero();
        assertThat(robotsMoved.status()).isEqualTo(200);
        assertThat(robotsMoved.finalUrl()).isEqualTo(site.baseUrl() + "/robots.txt");
        assertThat(new String(robotsMoved.body(), StandardCharsets.UTF_8)).contains("User-agent");
    }

    @Test
    void aRecrawlSendsItsValidatorsAndReadsA304WithoutABody() throws Exception {
        site.route("/conditional", exchange -> {
            String etag = exchange.getRequestHeaders().getFirst("If-None-Match");
            String since = exchange.getRequestHeaders().getFirst("If-Modified-Since");
            exchange.getResponseHeaders().set("ETag", "\"v1\"");
            if ("\"v1\"".equals(etag) && "Thu, 01 Jan 2026 00:00:00 GMT".equals(since)) {
                exchange.sendResponseHeaders(304, -1);
            } else {
                Responses.send(exchange, 200, "text/html", "<p>v1</p>");
            }
        });
        FetchRequest first = request(site.baseUrl() + "/conditional", settings(5_000, 10_000));
        FetchRequest recrawl = FetchRequest.builder(first.url(), "test").task(first.scope(), first.fetch())
                .validators(new PageValidators("\"v1\"", "Thu, 01 Jan 2026 00:00:00 GMT", "sha1:X", 1)).build();

        FetchResult unconditional = fetch(first);
        FetchResult notModified = fetch(recrawl);

        assertThat(unconditional.status()).isEqualTo(200);
        assertThat(unconditional.http().requestHeaders()).doesNotContain("If-None-Match");
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.location()).isNull();
        assertThat(notModified.failureScope()).isEqualTo(FailureScope.NONE);
        assertThat(notModified.http().requestHeaders()).containsSequence("If-None-Match", "\"v1\"");
    }

    @Test
    void reportsNotFoundWithoutReadingTheBody() throws Exception {
        FetchResult result = fetch(request(site.baseUrl() + "/missing.html", settings(5_000, 1_000_000)));

        assertThat(result.status()).isEqualTo(404);
        assertThat(result.error()).isNull();
        assertThat(result.body()).isEmpty();
        assertThat(counter("crawler_http_status_4xx_total")).isEqualTo(1);
        assertThat(counter("crawler_http_status_2xx_total")).isZero();
    }

    @Test
    void cutsAHugeBodyAtMaxBytes() throws Exception {
        site.route("/huge", exchange -> stream(exchange, "text/html; charset=utf-8", 5_000_000));
        site.route("/exact", exchange -> Responses.send(exchange, 200, "text/html", "x".repeat(1_000)));

        FetchResult huge = fetch(request(site.baseUrl() + "/huge", settings(10_000, 100_000)));
        FetchResult exact = fetch(request(site.baseUrl() + "/exact", settings(5_000, 1_000)));

        assertThat(huge.status()).isEqualTo(200);
        assertThat(huge.body()).hasSize(100_000);
        assertThat(huge.truncated()).isTrue();
        assertThat(huge.error()).isNull();
        assertThat(exact.body()).hasSize(1_000);
        assertThat(exact.truncated()).isFalse();
    }

    @Test
    void readsNoBodyOfOtherMediaTypes() throws Exception {
        site.route("/report.pdf", exchange -> stream(exchange, "application/pdf", 2_000_000));
        site.route("/upper", exchange -> Responses.send(exchange, 200, "TEXT/HTML; Charset=ISO-8859-1", "<p>hi</p>"));
        site.route("/untyped", exchange -> {
            exchange.sendResponseHeaders(200, 4);
            exchange.getResponseBody().write("<p/>".getBytes(StandardCharsets.UTF_8));
        });

        FetchResult pdf = fetch(request(site.baseUrl() + "/report.pdf", settings(5_000, 10_000_000)));
        FetchResult upper = fetch(request(site.baseUrl() + "/upper", settings(5_000, 1_000)));
        FetchResult untyped = fetch(request(site.baseUrl() + "/untyped", settings(5_000, 1_000)));
        FetchResult anyType = fetch(request(site.baseUrl() + "/untyped",
                FetchFixtures.settings(USER_AGENT, 5_000, 1_000, new String[0], 4)));

        assertThat(pdf.status()).isEqualTo(200);
        assertThat(pdf.contentType()).isEqualTo("application/pdf");
        assertThat(pdf.body()).isEmpty();
        assertThat(pdf.truncated()).isFalse();
        assertThat(pdf.error()).isNull();
        assertThat(pdf.fetchMs()).isLessThan(2_000);
        assertThat(upper.body()).asString(StandardCharsets.ISO_8859_1).isEqualTo("<p>hi</p>");
        assertThat(untyped.body()).isEmpty();
        assertThat(anyType.body()).asString(StandardCharsets.UTF_8).isEqualTo("<p/>");
    }

    /** Without a read timeout (okhttp's watchdog then has no work per read) the call timeout alone bounds a fetch. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void givesUpOnASlowServerAfterTheTimeout(boolean readTimeout) throws Exception {
        if (!readTimeout) {
            fetcher.close();
            openFetcher(new FetcherSettings(OPTIONS.maxConcurrentRequests(), OPTIONS.maxRequestsPerHost(), OPTIONS.connectTimeout(),
                    Duration.ZERO, OPTIONS.hostQueueLength(), OPTIONS.hostQueueWait(), OPTIONS.maxRetryAfter(),
                    OPTIONS.maxBodyBytesInFlight()));
        }
        site.route("/slow", exchange -> {
            awaitRelease();
            Responses.send(exchange, 200, "text/html", "<p>late</p>");
        });
        site.route("/slow-body", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("<html><body>".getBytes(StandardCharsets.UTF_8));
            out.flush();
            awaitRelease();
        });

        long start = System.nanoTime();
        FetchResult slow = fetch(request(site.baseUrl() + "/slow", settings(500, 1_000_000)));
        long slowMs = elapsedMs(start);
        start = System.nanoTime();
        FetchResult slowBody = fetch(request(site.baseUrl() + "/slow-body", settings(500, 1_000_000)));
        long slowBodyMs = elapsedMs(start);

        assertThat(slow.status()).isZero();
        assertThat(slow.error()).startsWith("timeout");
        assertThat(slowMs).isBetween(400L, 2_500L);
        assertThat(slowBody.status()).isZero();
        assertThat(slowBody.error()).startsWith("timeout");
        assertThat(slowBodyMs).isBetween(400L, 2_500L);
        assertThat(counter("crawler_fetch_errors_total")).isEqualTo(2);
    }

    @Test
    void reportsARefusedConnection() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        FetchResult result = fetch(request("http://127.0.0.1:" + closedPort + "/", settings(5_000, 1_000)));

        assertThat(result.status()).isZero();
        assertThat(result.finalUrl()).isNull();
        assertThat(result.body()).isEmpty();
        assertThat(result.error()).startsWith("ConnectException").contains(String.valueOf(closedPort));
        assertThat(counter("crawler_fetch_errors_total")).isEqualTo(1);
    }

    @Test
    void reportsAnInvalidUrl() throws Exception {
        FetchResult result = fetch(request("mailto:web@example.org", settings(5_000, 1_000)));

        assertThat(result.status()).isZero();
        assertThat(result.error()).isEqualTo("invalid URL: mailto:web@example.org");
    }

    /**
     * A request in flight at a checkpoint is started again by the restored async operator: it goes
     * back to its scheduler instead of being fetched, since the failed attempt may have sent it back
     * already; a request released after the checkpoint is fetched.
     */
    @Test
    void aRequestInFlightAtTheRestoredCheckpointGoesBackToItsSchedulerUnfetched() throws Exception {
        site.route("/in-flight", exchange -> {
            awaitRelease();
            Responses.send(exchange, 200, "text/html", "<html><body>late</body></html>");
        });
        site.route("/released-after", exchange -> Responses.send(exchange, 200, "text/html", "<html><body>new</body></html>"));
        FetchRequest inFlight = FetchRequest.builder(site.baseUrl() + "/in-flight", "test")
                .task(TaskScope.ofSeeds(List.of(site.baseUrl() + "/")), settings(5_000, 10_000))
                .released(7, System.currentTimeMillis()).build();
        OperatorSubtaskState checkpoint;
        try (var failed = asyncHarness()) {
            failed.open();
            failed.processElement(inFlight, 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> site.requestCount("/in-flight") == 1);
            checkpoint = failed.snapshot(1, 1);
            release.countDown();
        }
        FetchRequest later = FetchRequest.builder(site.baseUrl() + "/released-after", "test")
                .task(TaskScope.ofSeeds(List.of(site.baseUrl() + "/")), settings(5_000, 1_000_000))
                .released(8, System.currentTimeMillis() + 1).build();

        try (var restored = asyncHarness()) {
            restored.initializeState(checkpoint);
            restored.open();
            restored.processElement(later, 0);
            restored.endInput();

            assertThat(restored.extractOutputValues()).extracting(result -> result.request().url(), FetchResult::failure)
                    .containsExactlyInAnyOrder(tuple(inFlight.url(), FetchFailure.DEFERRED), tuple(later.url(), FetchFailure.NONE));
        }
        assertThat(site.requestCount("/in-flight")).as("fetched once, before the failure").isOne();
    }

    private static OneInputStreamOperatorTestHarness<FetchRequest, FetchResult> asyncHarness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(new AsyncFetcher(OPTIONS), 10_000, 16, AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(FetchRequest.class).createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void operatorTimeoutCompletesOnceAndCancelsTheCall() throws Exception {
        site.route("/hang", exchange -> awaitRelease());
        FetchRequest request = request(site.baseUrl() + "/hang", settings(0, 1_000));
        CompletableFuture<Collection<FetchResult>> future = new CompletableFuture<>();
        ResultFuture<FetchResult> resultFuture = resultFuture(future);

        fetcher.asyncInvoke(request, resultFuture);
        await().atMost(Duration.ofSeconds(5)).until(() -> site.requestCount("/hang") == 1);
        fetcher.timeout(request, resultFuture);

        FetchResult result = single(future.get(1, TimeUnit.SECONDS));
        assertThat(result.status()).isZero();
        assertThat(result.error()).startsWith("timeout");
        assertThat(result.fetchMs()).isPositive();
        // The cancelled call reports a failure too; it must not complete the future twice.
        Holds.eventuallyForAtLeast(Duration.ofMillis(500), Duration.ofSeconds(2), () -> counter("crawler_fetch_errors_total") == 1);
    }

    @Test
    void readsTheRetryAfterOf429And503AndHoldsTheHostThatLong() throws Exception {
        site.route("/slow-down", exchange -> {
            exchange.getResponseHeaders().set("Retry-After", "1");
            Responses.send(exchange, 429, "text/plain", "slow down");
        });
        site.route("/maintenance", exchange -> {
            exchange.getResponseHeaders().set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
            Responses.send(exchange, 503, "text/plain", "back soon");
        });

        FetchResult tooMany = fetch(request(site.baseUrl() + "/slow-down", settings(5_000, 1_000)));
        long pausedAt = System.nanoTime();
        FetchResult next = fetch(request(site.urlOf(9), settings(5_000, 1_000)));
        long waitedMs = (System.nanoTime() - pausedAt) / 1_000_000;
        FetchResult maintenance = fetch(request(site.baseUrl() + "/maintenance", settings(5_000, 1_000)));

        assertThat(tooMany.status()).isEqualTo(429);
        assertThat(tooMany.retryAfterMs()).isEqualTo(1_000);
        assertThat(tooMany.failureScope()).isEqualTo(FailureScope.HOST);
        assertThat(next.status()).isEqualTo(200);
        assertThat(waitedMs).as("the next request to the host waits for the Retry-After").isGreaterThanOrEqualTo(900);
        assertThat(maintenance.retryAfterMs()).as("a date in the past").isZero();
    }

    @Test
    void refusesPrivateAddressesUnlessTheTaskAllowsTheHost() throws Exception {
        int port = Integer.parseInt(site.baseUrl().substring(site.baseUrl().lastIndexOf(':') + 1));
        FetchSettings guarded = FetchFixtures.guarded(USER_AGENT);
        site.route("/to-loopback", exchange -> {
            exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + port + "/refused-target");
            exchange.sendResponseHeaders(302, -1);
        });

        FetchResult literal = fetch(request(site.baseUrl() + "/refused-literal", guarded));
        FetchResult name = fetch(request("http://localhost:" + port + "/refused-name", guarded));
        FetchResult metadata = fetch(request("http://169.254.169.254/latest/meta-data/", guarded));
        FetchResult allowedHost = fetch(request(site.urlOf(6), FetchFixtures.guarded(USER_AGENT, "127.0.0.1")));
        FetchResult robotsRedirect = fetch(FetchFixtures.request("http://localhost:" + port + "/to-loopback",
                FetchPurpose.ROBOTS, TaskScope.ofSeeds(List.of(site.baseUrl())), FetchFixtures.guarded(USER_AGENT, "localhost"),
                0, 0, false));

        assertThat(List.of(literal, name, metadata, robotsRedirect)).allSatisfy(result -> {
            assertThat(result.failure()).isEqualTo(FetchFailure.REFUSED);
            assertThat(result.status()).isZero();
            assertThat(result.error()).startsWith("refused: ");
        });
        assertThat(name.error()).contains("localhost resolves to private addresses only");
        assertThat(allowedHost.status()).isEqualTo(200);
        assertThat(site.requestCount("/refused-literal") + site.requestCount("/refused-name")
                + site.requestCount("/refused-target")).isZero();
        assertThat(site.requestCount("/to-loopback")).as("allowed by name, the redirect to a literal is not").isEqualTo(1);
        assertThat(counter("crawler_fetch_refused_total")).isEqualTo(4);
        assertThat(counter("crawler_fetch_errors_total")).isZero();
    }

    @Test
    void refusesPrivateIpv6LiteralsByDefault() throws Exception {
        int port = Integer.parseInt(site.baseUrl().substring(site.baseUrl().lastIndexOf(':') + 1));
        FetchSettings guarded = FetchFixtures.guarded(USER_AGENT);
        List<String> urls = List.of("http://[::1]:" + port + "/v6-loopback", "http://[fe80::1]/", "http://[fc00::1]/",
                "http://[fd00:ec2::254]/latest/meta-data/", "http://[::ffff:127.0.0.1]:" + port + "/v6-mapped");

        List<FetchResult> results = new ArrayList<>();
        for (String url : urls) {
            results.add(fetch(request(url, guarded)));
        }

        assertThat(results).allSatisfy(result -> {
            assertThat(result.failure()).isEqualTo(FetchFailure.REFUSED);
            assertThat(result.error()).startsWith("refused: ").endsWith(" is a private address");
        });
        assertThat(site.requestCount("/v6-mapped")).isZero();
        assertThat(counter("crawler_fetch_refused_total")).isEqualTo(urls.size());
    }

    @Test
    void runsAtMostTheTasksLimitPerHostAndCountsNoWaitAsFetchTime() throws Exception {
        site.route("/hold", exchange -> {
            awaitRelease();
            Responses.send(exchange, 200, "text/html", "<p>held</p>");
        });
        FetchSettings oneAtATime = FetchFixtures.settings(USER_AGENT, 10_000, 1_000, HTML, 1);
        CompletableFuture<Collection<FetchResult>> held = new CompletableFuture<>();
        CompletableFuture<Collection<FetchResult>> next = new CompletableFuture<>();

        fetcher.asyncInvoke(request(site.baseUrl() + "/hold", oneAtATime), resultFuture(held));
        fetcher.asyncInvoke(request(site.urlOf(5), oneAtATime), resultFuture(next));
        await().atMost(Duration.ofSeconds(5)).until(() -> site.requestCount("/hold") == 1);
        // Waits for the host's only slot.
        Holds.forAtLeast(Duration.ofMillis(500), () -> site.requestCount(TestSite.pathOf(5)) == 0);
        release.countDown();

        assertThat(single(held.get(10, TimeUnit.SECONDS)).status()).isEqualTo(200);
        FetchResult page = single(next.get(10, TimeUnit.SECONDS));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.fetchMs()).as("the 500 ms spent waiting for the host are not fetch time").isLessThan(500);
    }

    @Test
    void defersAtOnceWhatCannotWaitForABusyHost() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        site.route("/hold", exchange -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            awaitRelease();
            running.decrementAndGet();
            Responses.send(exchange, 200, "text/html", "<p>held</p>");
        });
        FetchSettings oneAtATime = FetchFixtures.settings(USER_AGENT, 10_000, 1_000, HTML, 1);
        List<CompletableFuture<Collection<FetchResult>>> futures = new ArrayList<>();
        // One runs, the host queue holds OPTIONS.hostQueueLength(), the last is deferred.
        for (int i = 0; i < 2 + OPTIONS.hostQueueLength(); i++) {
            CompletableFuture<Collection<FetchResult>> future = new CompletableFuture<>();
            futures.add(future);
            fetcher.asyncInvoke(request(site.baseUrl() + "/hold?n=" + i, oneAtATime), resultFuture(future));
        }

        FetchResult deferred = single(futures.get(futures.size() - 1).get(1, TimeUnit.SECONDS));
        assertThat(deferred.failure()).isEqualTo(FetchFailure.DEFERRED);
        assertThat(deferred.status()).isZero();
        assertThat(counter("crawler_fetch_deferred_total")).isEqualTo(1);
        release.countDown();
        for (CompletableFuture<Collection<FetchResult>> future : futures.subList(0, futures.size() - 1)) {
            assertThat(single(future.get(10, TimeUnit.SECONDS)).status()).isEqualTo(200);
        }
        assertThat(maxRunning.get()).isEqualTo(1);
        assertThat(site.requestCount("/hold?n=" + (futures.size() - 1))).isZero();
        assertThat(counter("crawler_fetch_errors_total")).isZero();
    }

    @Test
    void holdsNoMoreBodyBytesThanItsBoundAndDefersWhatDoesNotFitUntilEveryUrlIsFetched() throws Exception {
        long bound = 256 * 1024;
        reopenWithBodyBound(bound);
        int bodyBytes = 200_000;
        site.route("/large", exchange -> {
            // Half the body, then nothing until released: the fetches hold what they read meanwhile.
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, bodyBytes);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(filler(bodyBytes / 2));
                out.flush();
                awaitRelease();
                out.write(filler(bodyBytes - bodyBytes / 2));
            } catch (IOException e) {
                // the fetcher dropped a deferred response: expected
            }
        });
        List<String> urls = List.of(site.baseUrl() + "/large?n=0", site.baseUrl() + "/large?n=1",
                site.baseUrl() + "/large?n=2", site.baseUrl() + "/large?n=3");
        Map<String, CompletableFuture<Collection<FetchResult>>> firstRound = submit(urls);

        // Three half bodies do not fit the bound, and held bodies cannot finish before the release.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> firstRound.values().stream().filter(CompletableFuture::isDone).count() >= 2);
        Holds.eventuallyForAtLeast(Duration.ofMillis(300), Duration.ofSeconds(2), () -> bodyBytesInFlight() <= bound);
        int deferrals = 0;
        for (CompletableFuture<Collection<FetchResult>> future : firstRound.values()) {
            if (future.isDone()) {
                assertThat(single(future.get()).failure()).isEqualTo(FetchFailure.DEFERRED);
            }
        }
        release.countDown();

        // As the frontier would: deferred URLs come back until each has its page.
        Map<String, FetchResult> fetched = new LinkedHashMap<>();
        Map<String, CompletableFuture<Collection<FetchResult>>> round = firstRound;
        for (int rounds = 0; !round.isEmpty() && rounds < 50; rounds++) {
            List<String> again = new ArrayList<>();
            for (Map.Entry<String, CompletableFuture<Collection<FetchResult>>> entry : round.entrySet()) {
                FetchResult result = single(entry.getValue().get(15, TimeUnit.SECONDS));
                if (result.failure() == FetchFailure.DEFERRED) {
                    assertThat(result.error()).isEqualTo("deferred: response bodies in flight at the fetcher's bound of "
                            + bound + " bytes");
                    deferrals++;
                    again.add(entry.getKey());
                } else {
                    assertThat(fetched.put(entry.getKey(), result)).isNull();
                }
            }
            round = submit(again);
        }

        assertThat(fetched).containsOnlyKeys(urls);
        assertThat(fetched.values()).allSatisfy(page -> {
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).hasSize(bodyBytes);
            assertThat(page.truncated()).isFalse();
        });
        assertThat(deferrals).isGreaterThanOrEqualTo(2);
        assertThat(counter("crawler_fetch_deferred_body_bytes_total")).isEqualTo(deferrals);
        assertThat(counter("crawler_fetch_deferred_total")).isEqualTo(deferrals);
        assertThat(counter("crawler_http_status_2xx_total")).isEqualTo(urls.size());
        assertThat(bodyBytesInFlight()).isZero();
    }

    @Test
    void cutsABodyAtTheBoundWhenTheTaskAllowsMore() throws Exception {
        reopenWithBodyBound(100_000);
        site.route("/huge", exchange -> stream(exchange, "text/html", 5_000_000));

        FetchResult huge = fetch(request(site.baseUrl() + "/huge", settings(10_000, 1_000_000)));

        assertThat(huge.status()).isEqualTo(200);
        assertThat(huge.body()).hasSize(100_000);
        assertThat(huge.truncated()).isTrue();
        assertThat(bodyBytesInFlight()).isZero();
    }

    @Test
    void givesTheBodyBytesBackWhenAReadFailsOrTimesOut() throws Exception {
        site.route("/stalled-body", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(filler(50_000));
            out.flush();
            awaitRelease();
        });
        site.route("/cut-body", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, 100_000);
            exchange.getResponseBody().write(filler(50_000));
            exchange.getResponseBody().flush();
            exchange.close();
        });

        FetchResult timedOut = fetch(request(site.baseUrl() + "/stalled-body?call", settings(500, 1_000_000)));
        assertThat(timedOut.failure()).isEqualTo(FetchFailure.TIMEOUT);
        assertThat(timedOut.cause()).isEqualTo(FailureCause.BODY);
        assertThat(bodyBytesInFlight()).isZero();

        FetchResult cut = fetch(request(site.baseUrl() + "/cut-body", settings(5_000, 1_000_000)));
        assertThat(cut.failure()).isEqualTo(FetchFailure.NETWORK);
        assertThat(cut.failureScope()).as("a body cut short is about its URL").isEqualTo(FailureScope.URL);
        assertThat(bodyBytesInFlight()).isZero();

        FetchRequest hanging = request(site.baseUrl() + "/stalled-body?operator", settings(0, 1_000_000));
        CompletableFuture<Collection<FetchResult>> future = new CompletableFuture<>();
        ResultFuture<FetchResult> resultFuture = resultFuture(future);
        fetcher.asyncInvoke(hanging, resultFuture);
        await().atMost(Duration.ofSeconds(5)).until(() -> bodyBytesInFlight() >= 50_000);
        fetcher.timeout(hanging, resultFuture);
        assertThat(single(future.get(1, TimeUnit.SECONDS))).extracting(FetchResult::failure, FetchResult::cause)
                .containsExactly(FetchFailure.TIMEOUT, FailureCause.BODY);
        await().atMost(Duration.ofSeconds(5)).until(() -> bodyBytesInFlight() == 0);
    }

    @Test
    void aSlowUrlHoldsOnlyItsOwnSlotUntilItsDeadlineAndEachFailureSaysWhereItHappened() throws Exception {
        site.route("/drip", exchange -> Responses.trickle(exchange, Duration.ofSeconds(4)));
        site.route("/no-head", exchange -> Responses.hold(Duration.ofMillis(2_500)));
        FetchSettings threeSlots = FetchFixtures.settings(USER_AGENT, 1_500, 1_000_000, HTML, 3);
        CompletableFuture<Collection<FetchResult>> drip = new CompletableFuture<>();
        CompletableFuture<Collection<FetchResult>> noHead = new CompletableFuture<>();
        long start = System.nanoTime();
        fetcher.asyncInvoke(request(site.baseUrl() + "/drip", threeSlots), resultFuture(drip));
        fetcher.asyncInvoke(request(site.baseUrl() + "/no-head", threeSlots), resultFuture(noHead));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> site.requestCount("/drip") == 1 && site.requestCount("/no-head") == 1);

        for (int page = 10; page < 16; page++) {
            assertThat(fetch(request(site.urlOf(page), threeSlots)).status()).isEqualTo(200);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("the host's third slot went on meanwhile")
                .isLessThan(1_500);

        FetchResult dripped = single(drip.get(5, TimeUnit.SECONDS));
        assertThat(dripped).extracting(FetchResult::failure, FetchResult::cause, FetchResult::failureScope)
                .containsExactly(FetchFailure.TIMEOUT, FailureCause.BODY, FailureScope.URL);
        assertThat(dripped.fetchMs()).as("held until its deadline, no longer").isBetween(1_400L, 2_500L);
        FetchResult silent = single(noHead.get(5, TimeUnit.SECONDS));
        assertThat(silent).as("the host answered other requests meanwhile")
                .extracting(FetchResult::cause, FetchResult::failureScope)
                .containsExactly(FailureCause.HEAD_WHILE_HOST_ANSWERS, FailureScope.URL);
        assertThat(bodyBytesInFlight()).isZero();

        FetchResult alone = fetch(request(site.baseUrl() + "/no-head?alone", threeSlots));
        assertThat(alone).as("no head, and nothing else answered").extracting(FetchResult::cause, FetchResult::failureScope)
                .containsExactly(FailureCause.HEAD, FailureScope.HOST);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FetchResult refused = fetch(request("http://127.0.0.1:" + closedPort + "/", threeSlots));
        assertThat(refused).extracting(FetchResult::failure, FetchResult::cause, FetchResult::failureScope)
                .containsExactly(FetchFailure.NETWORK, FailureCause.CONNECT, FailureScope.HOST);
    }

    @Test
    void keepsTheHttpMessagesAsSentAndReceivedForArchiving() throws Exception {
        FetchResult page = fetch(request(site.urlOf(7), settings(5_000, 1_000_000)));
        FetchResult missing = fetch(request(site.baseUrl() + "/missing.html", settings(5_000, 1_000_000)));

        HttpMessages http = page.http();
        assertThat(http.protocol()).isEqualTo("http/1.1");
        assertThat(http.method()).isEqualTo("GET");
        assertThat(headers(http.requestHeaders())).containsEntry("User-Agent", USER_AGENT)
                .containsEntry("Host", site.baseUrl().substring("http://".length()))
                .containsEntry("Accept-Encoding", "gzip");
        assertThat(http.reason()).isEqualTo("OK");
        assertThat(headers(http.responseHeaders())).containsEntry("Content-type", "text/html; charset=utf-8")
                .containsEntry("Content-length", Integer.toString(page.body().length));
        assertThat(http.bodyRead()).isTrue();
        assertThat(missing.http().bodyRead()).isFalse();
        assertThat(missing.http().reason()).isEqualTo("Not Found");
        assertThat(FetchResult.failed(page.request(), FetchFailure.NETWORK).cause(FailureCause.CONNECT).timing(0, 0)
                .error("boom").build().http()).isNull();
    }

    @Test
    void closeStopsTheClientsThreads() throws Exception {
        fetch(request(site.urlOf(1), settings(5_000, 1_000_000)));
        fetcher.close();
        // A pool reports termination a moment before its last thread has exited.
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> (thread.getName().startsWith("OkHttp") && !thread.getName().contains("TaskRunner"))
                        || thread.getName().equals("fetch-host-gate")));
    }

    private void reopenWithBodyBound(long bound) throws Exception {
        fetcher.close();
        openFetcher(new FetcherSettings(OPTIONS.maxConcurrentRequests(), OPTIONS.maxRequestsPerHost(), OPTIONS.connectTimeout(),
                OPTIONS.readTimeout(), OPTIONS.hostQueueLength(), OPTIONS.hostQueueWait(), OPTIONS.maxRetryAfter(), bound));
    }

    /** Starts a fetch of each URL at once. */
    private Map<String, CompletableFuture<Collection<FetchResult>>> submit(List<String> urls) {
        Map<String, CompletableFuture<Collection<FetchResult>>> futures = new LinkedHashMap<>();
        for (String url : urls) {
            CompletableFuture<Collection<FetchResult>> future = new CompletableFuture<>();
            futures.put(url, future);
            fetcher.asyncInvoke(request(url, settings(10_000, 1_000_000)), resultFuture(future));
        }
        return futures;
    }

    @SuppressWarnings("unchecked")
    private long bodyBytesInFlight() {
        return ((Gauge<Long>) metrics.get("crawler_fetch_body_bytes_in_flight")).getValue();
    }

    private static byte[] filler(int bytes) {
        byte[] filler = new byte[bytes];
        Arrays.fill(filler, (byte) 'x');
        return filler;
    }

    private FetchResult fetch(FetchRequest request) throws Exception {
        CompletableFuture<Collection<FetchResult>> future = new CompletableFuture<>();
        fetcher.asyncInvoke(request, resultFuture(future));
        return single(future.get(15, TimeUnit.SECONDS));
    }

    private static FetchResult single(Collection<FetchResult> results) {
        assertThat(results).hasSize(1);
        return results.iterator().next();
    }

    /** Completes a plain future, as Flink's async operator would complete its queue entry. */
    private static ResultFuture<FetchResult> resultFuture(CompletableFuture<Collection<FetchResult>> future) {
        return new ResultFuture<>() {
            @Override
            public void complete(Collection<FetchResult> result) {
                future.complete(result);
            }

            @Override
            public void completeExceptionally(Throwable error) {
                future.completeExceptionally(error);
            }

            @Override
            public void complete(CollectionSupplier<FetchResult> supplier) {
                try {
                    future.complete(supplier.get());
                } catch (Exception e) {
                    future.completeExceptionally(e);
                }
            }
        };
    }

    private static FetchRequest request(String url, FetchSettings settings) {
        return FetchFixtures.page(url, "test", 0, 0, true, TaskScope.ofSeeds(List.of(site.baseUrl() + "/")), settings);
    }

    private static FetchSettings settings(int timeoutMs, long maxBytes) {
        return FetchFixtures.settings(USER_AGENT, timeoutMs, maxBytes, HTML, 4);
    }

    private long counter(String name) {
        Counter counter = (Counter) metrics.get(name);
        return counter.getCount();
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Streams {@code bytes} bytes of filler; stops quietly when the client hangs up. */
    private static void stream(HttpExchange exchange, String contentType, int bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = exchange.getResponseBody()) {
            for (int sent = 0; sent < bytes; sent += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
            }
        } catch (IOException e) {
            // the fetcher stopped reading: expected
        }
    }

    private static Map<String, String> headers(String[] pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
