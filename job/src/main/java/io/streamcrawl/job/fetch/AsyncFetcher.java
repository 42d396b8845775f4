package io.streamcrawl.job.fetch;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.journal.HostOwnership;
import io.streamcrawl.job.journal.PagesJournal;
import io.streamcrawl.job.journal.RecordedPage;
import io.streamcrawl.job.journal.RecordedPages;
import io.streamcrawl.job.journal.RestoreWindow;
import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.FailureScope;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.model.RecordedOutcome;
import io.streamcrawl.job.url.Hosts;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;

import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fetches URLs with okhttp's asynchronous client, for {@code AsyncDataStream.unorderedWait}.
 *
 * <p>Never blocks the operator thread and never fails the job: every request completes with
 * exactly one {@link FetchResult}, a failure (DNS, connect, timeout, I/O, invalid URL) as status
 * 0 with an error. Requests to one host pass its {@link HostGate} first: at most the task's
 * {@code maxInFlightPerHost} run at once, starts are spaced as the scheduler asked, and a request
 * that cannot start within the gate's bound completes at once as {@link FetchFailure#DEFERRED}
 * (the fetch time counts from the start of the network call). Unless the task allows it, a
 * request to a loopback, private, link-local or metadata address is refused
 * ({@link FetchFailure#REFUSED}, see {@link PrivateAddresses}): an IP literal at once, a name
 * when it resolves, any connection before a byte is sent. Each request is bounded by its task's {@code timeoutMs} (okhttp's call
 * timeout: connect, request, and reading the body); the operator's own timeout should be a
 * little longer, and when it fires first {@link #timeout} cancels the call. A page's redirect is
 * not followed: the result carries its target, which goes to the frontier like a link. Redirects
 * of robots.txt are followed (RFC 9309); the result's final URL is the one that answered. A
 * recrawl sends its URL's last validators ({@code If-None-Match}, {@code If-Modified-Since}). Bodies
 * are read only for 2xx responses of an accepted media type (see {@link ResponseReader}), and all
 * bodies being read at once hold at most {@link FetcherSettings#maxBodyBytesInFlight} bytes
 * ({@link BodyBytesBudget}): a response that does not fit is dropped and its request deferred.
 * A failed fetch records where it failed ({@link FailureCause}), as its host's gate saw it:
 * before the request was on the wire, waiting for the response head (while the host did or did
 * not answer a request sent no earlier), or reading the body; {@link FailureScope} makes of that
 * a host-level or URL-level failure. A slow request costs only its own slot: nothing else waits
 * on it, and the call's deadline ends it.
 *
 * <p>After a restore, a page or sitemap whose record reached the pages stream since the restored
 * checkpoint is not fetched again: it completes at once as {@link FetchFailure#RECORDED} with
 * the record's outcome ({@link PagesJournal}), whether the scheduler released it again or it was
 * in flight here at the checkpoint (the async operator starts those again). The journal is read
 * in {@link #open}, before any request arrives.
 *
 * <p>A request the async operator starts again after a restore (released before the restored
 * checkpoint) and whose page was not recorded is not fetched: it goes back to its scheduler as a
 * deferral. The failed attempt may have sent it back already (deferred, or failed and retried),
 * and the source replays that entry; the scheduler takes a release back once, so whichever comes
 * first requeues the URL and the other is stale. Fetched here, its release would be finished
 * twice: once by its page, once by the replayed retry.
 */
public class AsyncFetcher extends RichAsyncFunction<FetchRequest, FetchResult> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncFetcher.class);
    private static final Duration IDLE_CONNECTION_KEEP_ALIVE = Duration.ofMinutes(1);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final int MAX_DERIVED_CLIENTS = 64;
    private static final Dns GUARDED_DNS = new PrivateAddresses.GuardedDns();

    private final FetcherSettings fetcher;
    private final PagesJournal journal;

    private transient OkHttpClient client;
    /** Clients with a task's call timeout and redirect policy; they share the base client's dispatcher and pool. */
    private transient Map<ClientKey, OkHttpClient> derivedClients;
    /** Calls in flight by the future they complete; removal decides who completes it. */
    private transient Map<ResultFuture<FetchResult>, InFlight> inFlight;
    private transient FetchMetrics metrics;
    private transient HostGate gate;
    private transient BodyBytesBudget bodyBytes;
    private transient RestoreWindow restoreWindow;
    /** Pages recorded since the restored checkpoint, not to be fetched again; the operator's thread only. */
    private transient RecordedPages recorded;
    /** The recorded pages not released again at the last checkpoint (union state: a few, kept by every subtask). */
    private transient ListState<RecordedPage> keptPages;
    /** Requests released at or before this time (ms) came back with the restored checkpoint; 0 on a fresh start. */
    private transient long restoredCheckpointAt;

    /** A fetcher without a journal: it fetches every request. */
    public AsyncFetcher(FetcherSettings fetcher) {
        this(fetcher, PagesJournal.off());
    }

    public AsyncFetcher(FetcherSettings fetcher, PagesJournal journal) {
        this.fetcher = Preconditions.checkNotNull(fetcher, "fetcher");
        this.journal = Preconditions.checkNotNull(journal, "journal");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        restoreWindow = new RestoreWindow();
        restoreWindow.initialize(context, "fetcher-checkpoint-times");
        keptPages = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("fetcher-recorded-pages", RecordedPage.class));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        restoreWindow.snapshot(System.currentTimeMillis());
        // A recorded page still queued may be older than the next restore's window.
        keptPages.update(recorded.remaining());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(fetcher.maxConcurrentRequests());
        // The gate limits requests per host; okhttp must not queue them again, which would count as fetch time.
        dispatcher.setMaxRequestsPerHost(fetcher.maxConcurrentRequests());
        client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(
                        fetcher.maxConcurrentRequests(), IDLE_CONNECTION_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS))
                .connectTimeout(fetcher.connectTimeout())
                .readTimeout(fetcher.readTimeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .eventListener(new SendReporter())
                .addNetworkInterceptor(AsyncFetcher::guardConnection)
                .build();
        gate = new HostGate(fetcher.hostQueueLength(), fetcher.hostQueueWait());
        derivedClients = new ConcurrentHashMap<>();
        inFlight = new ConcurrentHashMap<>();
        bodyBytes = new BodyBytesBudget(fetcher.maxBodyBytesInFlight());
        metrics = new FetchMetrics(getRuntimeContext().getMetricGroup(), bodyBytes);
        TaskInfo task = getRuntimeContext().getTaskInfo();
        // No window without initializeState: a fetcher used outside an operator starts fresh.
        recorded = restoreWindow == null ? new RecordedPages() : journal.recordedSince(restoreWindow,
                new HostOwnership(task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks(),
                        task.getIndexOfThisSubtask()),
                task.getTaskNameWithSubtasks());
        if (keptPages != null) {
            recorded.addAll(keptPages.get());
        }
        restoredCheckpointAt = restoreWindow == null ? 0 : restoreWindow.end().orElse(0);
        LOG.info("Fetcher open: {}", fetcher);
    }

    @Override
    public void asyncInvoke(FetchRequest request, ResultFuture<FetchResult> resultFuture) {
        if (request.purpose() != FetchPurpose.ROBOTS) {
            Optional<RecordedOutcome> outcome = recorded.take(request.task(), request.url());
            if (outcome.isPresent()) {
                complete(resultFuture, FetchResult.recorded(request, outcome.get()));
                return;
            }
            if (request.releasedAt() > 0 && request.releasedAt() <= restoredCheckpointAt) {
                complete(resultFuture, FetchResult.deferred(request, "deferred: in flight at the restored checkpoint"));
                return;
            }
        }
        FetchSettings settings = request.fetch();
        HttpUrl url = request.url() == null ? null : HttpUrl.parse(request.url());
        if (url == null || settings == null) {
            String error = url == null ? "invalid URL: " + request.url() : "request has no fetch settings";
            complete(resultFuture, FetchResult.failed(request, FetchFailure.INVALID)
                    .timing(System.currentTimeMillis(), 0).error(error).build());
            return;
        }
        boolean guarded = !settings.allowsPrivate(Hosts.hostOf(request.url()).orElse(url.host()));
        InetAddress literal = PrivateAddresses.literal(url.host());
        if (guarded && literal != null && PrivateAddresses.isPrivate(literal)) {
            complete(resultFuture, FetchResult.failed(request, FetchFailure.REFUSED)
                    .timing(System.currentTimeMillis(), 0).error("refused: " + url.host() + " is a private address")
                    .build());
            return;
        }
        int limit = Math.min(Math.max(1, settings.maxInFlightPerHost()), fetcher.maxRequestsPerHost());
        gate.submit(url.host(), limit, TimeUnit.MILLISECONDS.toNanos(request.spacingMs()),
                ticket -> start(request, url, settings, guarded, resultFuture, ticket),
                () -> complete(resultFuture, FetchResult.deferred(request, "deferred: host busy")));
    }

    /** Starts the network call of a request its host's gate let through; the fetch time counts from here. */
    private void start(FetchRequest request, HttpUrl url, FetchSettings settings, boolean guarded,
            ResultFuture<FetchResult> resultFuture, HostGate.Ticket ticket) {
        long fetchedAtMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        Call call;
        try {
            Request.Builder httpRequest = new Request.Builder().url(url).get()
                    .tag(HostGate.Ticket.class, ticket)
                    .tag(FetchSettings.class, settings);
            if (settings.userAgent() != null && !settings.userAgent().isBlank()) {
                httpRequest.header("User-Agent", settings.userAgent());
            }
            conditional(httpRequest, request.validators());
            call = clientFor(request, guarded).newCall(httpRequest.build());
        } catch (RuntimeException e) {
            ticket.finished();
            complete(resultFuture, FetchResult.failed(request, FetchFailure.INVALID).timing(fetchedAtMillis, 0)
                    .error(e.toString()).build());
            return;
        }
        inFlight.put(resultFuture, new InFlight(call, ticket, fetchedAtMillis, startNanos));
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call failed, IOException e) {
                FetchFailure failure = failureOf(e);
                FailureCause cause = failure == FetchFailure.REFUSED ? FailureCause.NONE : ticket.failedAt();
                ticket.finished();
                finish(resultFuture, FetchResult.failed(request, failure).cause(cause)
                        .timing(fetchedAtMillis, ResponseReader.elapsedMillis(startNanos))
                        .error(describe(e, settings)).build());
            }

            @Override
            public void onResponse(Call answered, Response response) {
                FetchResult result;
                try (response) {
                    result = ResponseReader.read(request, response, fetchedAtMillis, startNanos, bodyBytes);
                } catch (IOException | RuntimeException e) {
                    // The head is in: whatever failed was the body (reset, deadline, encoding).
                    result = FetchResult.failed(request, failureOf(e)).cause(FailureCause.BODY)
                            .timing(fetchedAtMillis, ResponseReader.elapsedMillis(startNanos))
                            .error(describe(e, settings)).build();
                }
                if (result.failure() == FetchFailure.DEFERRED) {
                    metrics.bodyBytesDeferred(); // the only deferral after a response: its body did not fit
                }
                if (result.retryAfterMs() >= 0) {
                    // The host asked for a pause: requests waiting for it must not start meanwhile.
                    gate.pause(url.host(), Duration.ofMillis(Math.min(result.retryAfterMs(), fetcher.maxRetryAfter().toMillis())));
                }
                ticket.finished();
                finish(resultFuture, result);
            }
        });
    }

    /** A recrawl asks for the page only if it changed since the answer whose validators it has. */
    private static void conditional(Request.Builder httpRequest, PageValidators validators) {
        if (validators == null) {
            return;
        }
        if (validators.etag() != null) {
            httpRequest.header("If-None-Match", validators.etag());
        }
        if (validators.lastModified() != null) {
            httpRequest.header("If-Modified-Since", validators.lastModified());
        }
    }

    @Override
    public void timeout(FetchRequest request, ResultFuture<FetchResult> resultFuture) {
        InFlight fetch = inFlight.remove(resultFuture);
        if (fetch == null) {
            return; // completed meanwhile, or still waiting for its host: the gate decides within its bound
        }
        FailureCause cause = fetch.ticket().failedAt();
        fetch.call().cancel();
        complete(resultFuture, FetchResult.failed(request, FetchFailure.TIMEOUT).cause(cause)
                .timing(fetch.fetchedAtMillis(), ResponseReader.elapsedMillis(fetch.startNanos()))
                .error("timeout: no result within the async operator's timeout").build());
    }

    @Override
    public void close() throws Exception {
        if (client == null) {
            return;
        }
        // Callbacks of cancelled calls must not complete futures of a closed operator.
        gate.close();
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

    /**
     * The client for a request: the task's call timeout, redirects followed only for robots.txt
     * (RFC 9309; a page's redirect becomes a frontier entry instead), and, when {@code guarded},
     * DNS answers without private addresses. Connections are pooled per DNS, so a guarded request
     * never reuses an unguarded one's.
     */
    private OkHttpClient clientFor(FetchRequest request, boolean guarded) {
        ClientKey key = new ClientKey(
                Math.max(0, request.fetch().timeoutMs()), request.purpose() == FetchPurpose.ROBOTS, guarded);
        if (derivedClients.size() >= MAX_DERIVED_CLIENTS) {
            derivedClients.clear();
        }
        return derivedClients.computeIfAbsent(key, k -> {
            OkHttpClient.Builder builder = client.newBuilder()
                    .callTimeout(Duration.ofMillis(k.timeoutMs()))
                    .followRedirects(k.followRedirects())
                    .followSslRedirects(k.followRedirects());
            if (k.guarded()) {
                builder.dns(GUARDED_DNS);
            }
            return builder.build();
        });
    }

    /**
     * The last line of the SSRF guard, on every connection a request uses, redirects followed by
     * the client included: a host the task may not reach at a private address must not be
     * connected to one. Runs before the request is sent.
     */
    private static Response guardConnection(Interceptor.Chain chain) throws IOException {
        FetchSettings settings = chain.request().tag(FetchSettings.class);
        if (settings == null || !settings.allowsPrivate(chain.request().url().host())) {
            PrivateAddresses.checkConnected(chain);
        }
        return chain.proceed(chain.request());
    }

    /** What distinguishes the clients derived from the base client. */
    private record ClientKey(int timeoutMs, boolean followRedirects, boolean guarded) {}

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

    private record InFlight(Call call, HostGate.Ticket ticket, long fetchedAtMillis, long startNanos) {}

    /**
     * Tells a request's host gate when the request goes onto the wire, which is when its host's
     * spacing starts, and when its response head arrives, which says the host answers.
     */
    private static final class SendReporter extends EventListener {
        @Override
        public void requestHeadersStart(Call call) {
            HostGate.Ticket ticket = call.request().tag(HostGate.Ticket.class);
            if (ticket != null) {
                ticket.sent();
            }
        }

        @Override
        public void responseHeadersStart(Call call) {
            HostGate.Ticket ticket = call.request().tag(HostGate.Ticket.class);
            if (ticket != null) {
                ticket.answered();
            }
        }
    }

    private static FetchFailure failureOf(Exception e) {
        if (refusal(e) != null) {
            return FetchFailure.REFUSED;
        }
        return isTimeout(e) ? FetchFailure.TIMEOUT : FetchFailure.NETWORK;
    }

    /** The SSRF guard's refusal behind a failure, or null; okhttp may wrap it. */
    private static Throwable refusal(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PrivateAddresses.RefusedException) {
                return cause;
            }
        }
        return null;
    }

    private static boolean isTimeout(Exception e) {
        return e instanceof InterruptedIOException && "timeout".equals(e.getMessage());
    }

    private static String describe(Exception e, FetchSettings settings) {
        Throwable refusal = refusal(e);
        if (refusal != null) {
            return refusal.getMessage();
        }
        String message = e.getMessage();
        if (isTimeout(e)) {
            return "timeout: no complete response within " + settings.timeoutMs() + " ms";
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
