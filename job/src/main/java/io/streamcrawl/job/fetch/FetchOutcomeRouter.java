package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.FailureScope;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.parse.PageParser;
import io.streamcrawl.job.url.UrlNormalizer;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

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
 *   <li>the answer to a robots.txt request goes to its origin's scheduler as a {@code robots}
 *       entry, and the sitemaps it lists become {@code sitemap} entries when the task reads them;
 *   <li>a fetched sitemap's entries (sitemaps or page URLs) go to the frontier;
 *   <li>a redirect's target goes to the frontier like a link, up to the task's {@code maxRedirects}.
 * </ul>
 * Pages and sitemaps go on to the parser, which makes their page records; robots.txt answers,
 * deferred requests and failures that are retried yield none.
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
    private transient Counter redirects;
    private transient Counter redirectsCut;
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
        redirects = getRuntimeContext().getMetricGroup().counter("crawler_redirects_total");
        redirectsCut = getRuntimeContext().getMetricGroup().counter("crawler_redirects_cut_total");
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
        if (result.failure() == FetchFailure.DEFERRED) {
            ctx.output(FEEDBACK, request.entry().retry(new HostFeedback(
                    HostSignal.BUSY, 0, result.error(), null, -1, FailureCause.NONE, request.releasedAt())));
            return;
        }
        FailureScope scope = result.failureScope();
        if (scope != FailureScope.NONE) {
            HostFeedback failed = new HostFeedback(scope == FailureScope.HOST ? HostSignal.FAILED : HostSignal.URL_FAILED,
                    result.status(), result.error(), null, result.retryAfterMs(), result.cause(), request.releasedAt());
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
        if (result.location() != null) {
            redirect(result, ctx);
        }
        if (request.purpose() == FetchPurpose.SITEMAP && result.status() >= 200 && result.status() < 300) {
            try {
                sitemaps.fromSitemap(result).forEach(entry -> ctx.output(FEEDBACK, entry));
            } catch (Exception e) {
                sitemapErrors.inc();
                LOG.debug("Cannot read the sitemap {}: {}", request.url(), e.toString());
            }
        }
        out.collect(result);
    }

    /**
     * A redirect's target becomes a frontier entry of the same depth, one redirect further down
     * the chain, deduplicated and scoped like a link; a chain longer than the task's
     * {@code maxRedirects} is cut here.
     */
    private void redirect(FetchResult result, Context ctx) {
        FetchRequest request = result.request();
        Optional<String> target = UrlNormalizer.normalize(result.location()).filter(url -> request.scope().allows(url));
        if (target.isEmpty()) {
            LOG.debug("Not following the redirect of {} to {}: not an http(s) URL of the task's scope",
                    request.url(), result.location());
            return;
        }
        if (request.redirects() >= request.fetch().maxRedirects()) {
            redirectsCut.inc();
            LOG.debug("Not following the redirect of {} to {}: {} redirects already", request.url(), target.get(),
                    request.redirects());
            return;
        }
        redirects.inc();
        ctx.output(FEEDBACK, request.entry().redirectTo(target.get()));
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
