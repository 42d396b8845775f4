package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.url.UrlNormalizer;

import java.util.List;
import java.util.Optional;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frontier entries a fetch yields besides a page's links: a redirect's target, or what a
 * fetched sitemap lists. They go to the frontier with the page's record. Not thread-safe: one per
 * operator instance.
 */
public final class FetchFollowUps {
    private static final Logger LOG = LoggerFactory.getLogger(FetchFollowUps.class);

    private final SitemapReader sitemaps;
    private final Counter sitemapErrors;
    private final Counter redirects;
    private final Counter redirectsCut;

    /** @param maxSitemapEntries the most entries kept of one sitemap */
    public FetchFollowUps(MetricGroup metrics, int maxSitemapEntries) {
        sitemaps = new SitemapReader(maxSitemapEntries);
        sitemapErrors = metrics.counter("crawler_sitemap_errors_total");
        redirects = metrics.counter("crawler_redirects_total");
        redirectsCut = metrics.counter("crawler_redirects_cut_total");
    }

    /** The redirect's target, or the entries of a sitemap read with success; none for other fetches. */
    public List<FrontierEntry> of(FetchResult result) {
        if (result.location() != null) {
            return redirect(result).map(List::of).orElse(List.of());
        }
        FetchRequest request = result.request();
        if (request.purpose() == FetchPurpose.SITEMAP && result.status() >= 200 && result.status() < 300) {
            try {
                return sitemaps.fromSitemap(result);
            } catch (Exception e) {
                sitemapErrors.inc();
                LOG.debug("Cannot read the sitemap {}: {}", request.url(), e.toString());
            }
        }
        return List.of();
    }

    /**
     * A redirect's target becomes a frontier entry of the same depth, one redirect further down
     * the chain, deduplicated and scoped like a link; a chain longer than the task's
     * {@code maxRedirects} is cut here.
     */
    private Optional<FrontierEntry> redirect(FetchResult result) {
        FetchRequest request = result.request();
        Optional<String> target = UrlNormalizer.normalize(result.location()).filter(url -> request.scope().allows(url));
        if (target.isEmpty()) {
            LOG.debug("Not following the redirect of {} to {}: not an http(s) URL of the task's scope",
                    request.url(), result.location());
            return Optional.empty();
        }
        if (request.redirects() >= request.fetch().maxRedirects()) {
            redirectsCut.inc();
            LOG.debug("Not following the redirect of {} to {}: {} redirects already", request.url(), target.get(),
                    request.redirects());
            return Optional.empty();
        }
        redirects.inc();
        return Optional.of(request.entry().redirectTo(target.get()));
    }
}
