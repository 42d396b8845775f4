package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FailureScope;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.model.PayloadDigest;
import io.streamcrawl.job.parse.PageParser;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between the fetcher and the parser and sends what the host schedulers must learn back to
 * the frontier, on the side output {@link #FEEDBACK}:
 * <ul>
 *   <li>a deferred request goes back to its host's queue with a {@link HostSignal#BUSY} signal;
 *   <li>a failure that may pass ({@link FailureScope}) goes back to its host's scheduler with a
 *       {@link HostSignal#FAILED} signal when it is about the host (with its Retry-After, cause
 *       and release time) or {@link HostSignal#URL_FAILED} when it is about the URL alone; the URL
 *       is tried again until it has failed {@code maxRetries} times, and only then becomes a page
 *       record with the error (a host-level last failure still reaches the scheduler);
 *   <li>a success the scheduler asked about (its host had failures) sends {@link HostSignal#OK};
 *   <li>a 2xx or 304 answer to a page of a recrawling task sends a {@code capture} entry: the
 *       validators and last capture its next recrawl needs ({@link PageValidators#after});
 *   <li>the answer to a robots.txt request goes to its origin's scheduler as a {@code robots}
 *       entry, and the sitemaps it lists become {@code sitemap} entries when the task reads them;
 * </ul>
 * Pages and sitemaps go on to the parser, which makes their page records and the entries they
 * yield (links, a redirect's target, a sitemap's entries), written with the record so that a
 * record in the pages stream implies them; robots.txt answers, deferred requests and failures
 * that are retried yield none. A page {@link FetchFailure#RECORDED} before a failure goes on
 * alone: what it yields is in Redis already.
 */
public final class FetchOutcomeRouter extends ProcessFunction<FetchResult, FetchResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FetchOutcomeRouter.class);

    /** Frontier entries for the host schedulers: retries, robots.txt answers, sitemaps, host signals. */
    public static final OutputTag<FrontierEntry> FEEDBACK =
            new OutputTag<>("host-feedback", TypeInformation.of(FrontierEntry.class));

    private final int maxRetries;

    private transient SitemapReader sitemaps;
    private transient Counter sitemapErrors;
    private transient Counter retries;
    private transient Counter urlRetries;

    /** @param maxRetries how often a transient failure of one URL is retried before it is recorded */
    public FetchOutcomeRouter(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    @Override
    public void open(OpenContext openContext) {
        sitemaps = new SitemapReader(PageParser.DEFAULT_MAX_LINKS_PER_PAGE);
        sitemapErrors = getRuntimeContext().getMetricGroup().counter("crawler_sitemap_errors_total");
        retries = getRuntimeContext().getMetricGroup().counter("crawler_fetch_retries_total");
        urlRetries = getRuntimeContext().getMetricGroup().counter("crawler_url_retries_total");
    }

    @Override
    public void processElement(FetchResult result, Context ctx, Collector<FetchResult> out) {
        FetchRequest request = result.request();
        if (request.purpose() == FetchPurpose.ROBOTS) {
            robots(result, ctx);
            return;
        }
        if (result.failure() == FetchFailure.RECORDED) {
            out.collect(result);
            return;
        }
        if (result.failure() == FetchFailure.DEFERRED) {
            ctx.output(FEEDBACK, request.entry().retry(HostFeedback.builder(HostSignal.BUSY).error(result.error())
                    .releasedAt(request.releasedAt()).build()));
            return;
        }
        FailureScope scope = result.failureScope();
        if (scope != FailureScope.NONE) {
            HostFeedback failed = HostFeedback.builder(scope == FailureScope.HOST ? HostSignal.FAILED : HostSignal.URL_FAILED)
                    .status(result.status()).error(result.error()).retryAfterMs(result.retryAfterMs()).cause(result.cause())
                    .releasedAt(request.releasedAt()).build();
            if (request.attempt() < maxRetries) {
                retries.inc();
                if (scope == FailureScope.URL) {
                    urlRetries.inc();
                }
                ctx.output(FEEDBACK, request.entry().retryAfterFailure(failed));
                return;
            }
            if (scope == FailureScope.HOST || request.reportOutcome()) {
                ctx.output(FEEDBACK, FrontierEntry.feedback(request.url(), request.task(), EntryKind.HOST, failed));
            }
        } else if (request.reportOutcome() && result.responded()) {
            ctx.output(FEEDBACK, FrontierEntry.feedback(request.url(), request.task(), EntryKind.HOST,
                    HostFeedback.of(HostSignal.OK, result.status(), null)));
        }
        capture(result, ctx);
        out.collect(result);
    }

    /** Tells the scheduler of a recrawling task's page what its next recrawl needs and whether it changed. */
    private static void capture(FetchResult result, Context ctx) {
        FetchRequest request = result.request();
        if (request.validators() == null || request.purpose() != FetchPurpose.PAGE) {
            return;
        }
        PageValidators next = PageValidators.after(result, PayloadDigest.of(result.body()).toString());
        if (next != null) {
            ctx.output(FEEDBACK, FrontierEntry.feedback(request.url(), request.task(), EntryKind.CAPTURE,
                    HostFeedback.capture(result.status(), next, request.releasedAt())));
        }
    }

    private void robots(FetchResult result, Context ctx) {
        FetchRequest request = result.request();
        if (result.failure() == FetchFailure.DEFERRED) {
            ctx.output(FEEDBACK, FrontierEntry.feedback(request.url(), request.task(), EntryKind.ROBOTS,
                    HostFeedback.of(HostSignal.BUSY, 0, result.error())));
            return;
        }
        if (result.failure() == FetchFailure.REFUSED) {
            ctx.output(FEEDBACK, FrontierEntry.feedback(request.url(), request.task(), EntryKind.ROBOTS,
                    HostFeedback.of(HostSignal.REFUSED, 0, result.error())));
            return;
        }
        boolean ok = result.status() >= 200 && result.status() < 300;
        String body = ok ? new String(result.body(), StandardCharsets.UTF_8) : null;
        ctx.output(FEEDBACK, FrontierEntry.feedback(request.url(), request.task(), EntryKind.ROBOTS,
                HostFeedback.robots(result.status(), result.error(), body)));
        if (ok && request.fetch().sitemaps()) {
            try {
                sitemaps.fromRobots(request, result.body()).forEach(entry -> ctx.output(FEEDBACK, entry));
            } catch (RuntimeException e) {
                sitemapErrors.inc();
                LOG.debug("Cannot read the sitemaps of {}: {}", request.url(), e.toString());
            }
        }
    }
}
