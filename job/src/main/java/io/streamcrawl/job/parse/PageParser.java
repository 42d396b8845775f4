package io.streamcrawl.job.parse;

import io.streamcrawl.job.config.CrawlerOptions;
import io.streamcrawl.job.dedup.SimHash;
import io.streamcrawl.job.fetch.FetchFollowUps;
import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.PageRecord;
import io.streamcrawl.job.model.PayloadDigest;
import io.streamcrawl.job.model.Revisit;
import io.streamcrawl.job.url.TaskScope;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Turns each {@link FetchResult} into one {@link CrawledPage}: its {@link PageRecord} with the
 * frontier entries it yields, its links one level deeper, a redirect's target or a sitemap's
 * entries ({@link FetchFollowUps}). A page {@link FetchFailure#RECORDED} before a failure yields
 * a record of its outcome only, marked as written already.
 *
 * <p>Only 2xx HTML bodies are parsed; failed fetches, other statuses and other media types yield
 * a record without title, links, text and SimHash. Links are normalized, de-duplicated, kept when
 * the task's scope allows them, capped per page, and emitted only when the request says to
 * follow links. The text is bounded; it feeds the SimHash when near-duplicate detection is on
 * and stays in the record only when asked; unless it is kept, the page is not parsed into a tree
 * where {@link HtmlScanner} can read its links and the text's words. Never throws on page content.
 */
public class PageParser extends ProcessFunction<FetchResult, CrawledPage> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PageParser.class);

    /** The most links kept of one page unless configured otherwise. */
    public static final int DEFAULT_MAX_LINKS_PER_PAGE = 10_000;

    private final int maxLinksPerPage;
    private final int maxTextChars;
    private final boolean keepText;
    private final boolean hashText;

    private transient Counter pages;
    private transient Counter linksDiscovered;
    private transient Counter parseErrors;
    private transient FetchFollowUps followUps;

    public PageParser() {
        this(DEFAULT_MAX_LINKS_PER_PAGE);
    }

    public PageParser(int maxLinksPerPage) {
        this(maxLinksPerPage, CrawlerOptions.PARSE_MAX_TEXT_CHARS.defaultValue(), false);
    }

    /**
     * @param maxTextChars the most characters of a page's text that are hashed and kept
     * @param keepText whether page records carry the text
     */
    public PageParser(int maxLinksPerPage, int maxTextChars, boolean keepText) {
        this(maxLinksPerPage, maxTextChars, keepText, true);
    }

    /** @param hashText whether page records carry the SimHash of the text (near-duplicate detection) */
    public PageParser(int maxLinksPerPage, int maxTextChars, boolean keepText, boolean hashText) {
        Preconditions.checkArgument(maxLinksPerPage >= 0, "maxLinksPerPage must not be negative, was %s", maxLinksPerPage);
        Preconditions.checkArgument(maxTextChars > 0, "maxTextChars must be positive, was %s", maxTextChars);
        this.maxLinksPerPage = maxLinksPerPage;
        this.maxTextChars = maxTextChars;
        this.keepText = keepText;
        this.hashText = hashText;
    }

    @Override
    public void open(OpenContext openContext) {
        pages = getRuntimeContext().getMetricGroup().counter("pages");
        linksDiscovered = getRuntimeContext().getMetricGroup().counter("links_discovered");
        parseErrors = getRuntimeContext().getMetricGroup().counter("parse_errors");
        followUps = new FetchFollowUps(getRuntimeContext().getMetricGroup(), DEFAULT_MAX_LINKS_PER_PAGE);
    }

    @Override
    public void processElement(FetchResult result, Context ctx, Collector<CrawledPage> out) {
        if (result.failure() == FetchFailure.RECORDED) {
            out.collect(CrawledPage.recorded(toRecord(result, HtmlContent.NONE, false, false)));
            return;
        }
        FetchRequest request = result.request();
        String pageUrl = result.finalUrl() != null ? result.finalUrl() : request.url();
        HtmlContent html = extract(result, pageUrl);
        pages.inc();
        List<FrontierEntry> links = new ArrayList<>(followUps.of(result));
        if (request.followLinks()) {
            for (String link : html.links()) {
                links.add(new FrontierEntry(link, request.task(), request.depth() + 1, request.priority(), pageUrl));
            }
            linksDiscovered.inc(html.links().size());
        }
        out.collect(CrawledPage.fetched(toRecord(result, html, keepText, hashText), links, result.failureName()));
    }

    private HtmlContent extract(FetchResult result, String pageUrl) {
        if (result.status() < 200 || result.status() >= 300 || !HtmlExtractor.isHtml(result.contentType())) {
            return HtmlContent.NONE;
        }
        TaskScope scope = result.request().scope();
        try {
            return HtmlExtractor.extract(result.body(), result.contentType(), pageUrl,
                    url -> scope != null && scope.allows(url), maxLinksPerPage, maxTextChars, textNeed());
        } catch (RuntimeException e) {
            parseErrors.inc();
            LOG.debug("Cannot parse {}", pageUrl, e);
            return HtmlContent.NONE;
        }
    }

    /** The text itself when kept, else its words when hashed: SimHash reads nothing else of it. */
    private HtmlExtractor.TextNeed textNeed() {
        if (keepText) {
            return HtmlExtractor.TextNeed.EXACT;
        }
        return hashText ? HtmlExtractor.TextNeed.WORDS : HtmlExtractor.TextNeed.NONE;
    }

    static PageRecord toRecord(FetchResult result, HtmlContent html, boolean keepText, boolean hashText) {
        FetchRequest request = result.request();
        byte[] body = result.body() == null ? new byte[0] : result.body();
        OptionalLong simhash = html.text() == null || !hashText ? OptionalLong.empty() : SimHash.of(html.text());
        String digest = body.length == 0 ? null : PayloadDigest.of(body).toString();
        String contentLanguage = result.http() == null ? null : result.http().responseHeader("Content-Language");
        return PageRecord.builder(request.url(), request.task())
                .finalUrl(result.finalUrl())
                .depth(request.depth())
                .status(result.status())
                .contentType(result.contentType())
                .contentLength(body.length)
                .title(html.title())
                .links(html.links().size())
                .fetchedAt(Instant.ofEpochMilli(result.fetchedAtMillis()).toString())
                .fetchMs(result.fetchMs())
                .error(result.error())
                .location(result.location())
                .canonical(html.canonical())
                .lang(Language.of(html.lang(), contentLanguage))
                .contentHash(digest)
                .revisit(Revisit.of(result, digest))
                .simhash(simhash.isPresent() ? simhash.getAsLong() : null)
                .text(keepText ? html.text() : null)
                .build();
    }
}
