package io.streamcrawl.job.fetch;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fetches URLs with okhttp's asynchronous client, for {@code AsyncDataStream.unorderedWait}.
 *
 * <p>Never blocks the operator thread and never fails the job: every request completes with
 * exactly one {@link FetchResult}, a failure (DNS, connect, timeout, I/O, invalid URL) as status
 * 0 with an error. Each request is bounded by its task's {@code timeoutMs} (okhttp's call
 * timeout: connect, request, and reading the body); the operator's own timeout should be a
 * little longer, and when it fires first {@link #timeout} cancels the call. Redirects are
 * followed; the result's final URL is the one that answered. Bodies are read only for 2xx
 * responses of an accepted media type (see {@link ResponseReader}).
 */
public class AsyncFetcher extends RichAsyncFunction<FetchRequest, FetchResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncFetcher.class);
    private static final Duration IDLE_CONNECTION_KEEP_ALIVE = Duration.ofMinutes(1);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final int MAX_DERIVED_CLIENTS = 64;

    private final FetcherOptions options;

    private transient OkHttpClient client;
    /** Clients with a task's call timeout; they share the base client's dispatcher and pool. */
    private transient Map<Integer, OkHttpClient> clientsByTimeout;
    /** Calls in flight by the future they complete; removal decides who completes it. */
    private transient Map<ResultFuture<FetchResult>, InFlight> inFlight;
    private transient FetchMetrics metrics;

    public AsyncFetcher(FetcherOptions options) {
        this.options = Preconditions.checkNotNull(options, "options");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(options.maxConcurrentRequests());
        dispatcher.setMaxRequestsPerHost(options.maxRequestsPerHost());
        client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(
                        options.maxConcurrentRequests(), IDLE_CONNECTION_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS))
                .connectTimeout(options.connectTimeout())
                .readTimeout(options.readTimeout())
                .followRedirects(true)
                .followSslRedirects(true)
                .build();
        clientsByTimeout = new ConcurrentHashMap<>();
        inFlight = new ConcurrentHashMap<>();
        metrics = new FetchMetrics(getRuntimeContext().getMetricGroup());
        LOG.info("Fetcher open: {}", options);
    }

    @Override
    public void asyncInvoke(FetchRequest request, ResultFuture<FetchResult> resultFuture) {
        long fetchedAtMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        FetchSettings settings = request.fetch();
        HttpUrl url = request.url() == null ? null : HttpUrl.parse(request.url());
        if (url == null || settings == null) {
            String error = url == null ? "invalid URL: " + request.url() : "request has no fetch settings";
            complete(resultFuture, FetchResult.failed(request, fetchedAtMillis, 0, error));
            return;
        }
        Request.Builder httpRequest = new Request.Builder().url(url).get();
        if (settings.userAgent() != null && !settings.userAgent().isBlank()) {
            httpRequest.header("User-Agent", settings.userAgent());
        }
        Call call = clientFor(settings.timeoutMs()).newCall(httpRequest.build());
        inFlight.put(resultFuture, new InFlight(call, fetchedAtMillis, startNanos));
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call failed, IOException e) {
                finish(resultFuture, FetchResult.failed(
                        request, fetchedAtMillis, ResponseReader.elapsedMillis(startNanos), describe(e, settings)));
            }

            @Override
            public void onResponse(Call answered, Response response) {
                FetchResult result;
                try (response) {
                    result = ResponseReader.read(request, response, fetchedAtMillis, startNanos);
                } catch (IOException | RuntimeException e) {
                    result = FetchResult.failed(
                            request, fetchedAtMillis, ResponseReader.elapsedMillis(startNanos), describe(e, settings));
                }
                finish(resultFuture, result);
            }
        });
    }

    @Override
    public void timeout(FetchRequest request, ResultFuture<FetchResult> resultFuture) {
        InFlight fetch = inFlight.remove(resultFuture);
        if (fetch == null) {
            return; // completed meanwhile
        }
        fetch.call().cancel();
        complete(resultFuture, FetchResult.failed(request, fetch.fetchedAtMillis(),
                ResponseReader.elapsedMillis(fetch.startNanos()), "timeout: no result within the async operator's timeout"));
    }

    @Override
    public void close() throws Exception {
        if (client == null) {
            return;
        }
        // Callbacks of cancelled calls must not complete futures of a closed operator.
        inFlight.clear();
        client.dispatcher().cancelAll();
        ExecutorService executor = client.dispatcher().executorService();
        executor.shutdown();
        client.connectionPool().evictAll();
        if (!executor.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("Fetcher threads still running {} after close", SHUTDOWN_GRACE);
        }
        client = null;
    }

    private OkHttpClient clientFor(int timeoutMs) {
        if (timeoutMs <= 0) {
            return client;
        }
        if (clientsByTimeout.size() >= MAX_DERIVED_CLIENTS) {
            clientsByTimeout.clear();
        }
        return clientsByTimeout.computeIfAbsent(
                timeoutMs, ms -> client.newBuilder().callTimeout(Duration.ofMillis(ms)).build());
    }

    /** Completes the future of a call still in flight; does nothing when it was timed out or closed. */
    private void finish(ResultFuture<FetchResult> resultFuture, FetchResult result) {
        if (inFlight.remove(resultFuture) != null) {
            complete(resultFuture, result);
        }
    }

    private void complete(ResultFuture<FetchResult> resultFuture, FetchResult result) {
        metrics.record(result);
        if (LOG.isDebugEnabled() && !result.responded()) {
            LOG.debug("Fetch of {} failed: {}", result.request().url(), result.error());
        }
        resultFuture.complete(List.of(result));
    }

    private record InFlight(Call call, long fetchedAtMillis, long startNanos) {}

    private static String describe(Exception e, FetchSettings settings) {
        String message = e.getMessage();
        if (e instanceof InterruptedIOException && "timeout".equals(message)) {
            return "timeout: no complete response within " + settings.timeoutMs() + " ms";
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
