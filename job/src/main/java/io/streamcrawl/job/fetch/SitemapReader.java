package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.ChangeHint;
import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.url.UrlNormalizer;

import crawlercommons.robots.SimpleRobotRulesParser;
import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads sitemaps with crawler-commons: the sitemaps a robots.txt lists, and the sitemaps or page
 * URLs a sitemap lists, as frontier entries of the request's task (normalized, in the task's
 * scope, de-duplicated, at most {@code maxEntries}). Sitemap entries keep the request's depth;
 * page URLs are one deeper and carry their {@code <lastmod>} or {@code <changefreq>} ({@link ChangeHint}).
 * Not thread-safe: one per operator instance.
 */
final class SitemapReader {
    private final SiteMapParser parser = new SiteMapParser(false);
    private final SimpleRobotRulesParser robotsParser = new SimpleRobotRulesParser();
    private final int maxEntries;

    SitemapReader(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The sitemaps a robots.txt body lists (whatever the user-agent groups say). */
    List<FrontierEntry> fromRobots(FetchRequest robots, byte[] body) {
        Map<String, ChangeHint> sitemaps = new LinkedHashMap<>();
        robotsParser.parseContent(robots.url(), body, "text/plain", List.of()).getSitemaps()
                .forEach(sitemap -> sitemaps.put(sitemap, null));
        return entries(robots, sitemaps, EntryKind.SITEMAP, robots.depth());
    }

    /** What a fetched sitemap lists; throws when it is not a sitemap crawler-commons can read. */
    List<FrontierEntry> fromSitemap(FetchResult result) throws IOException, UnknownFormatException {
        FetchRequest request = result.request();
        URL location = new URL(result.finalUrl() != null ? result.finalUrl() : request.url());
        AbstractSiteMap map = parser.parseSiteMap(result.contentType(), result.body(), location);
        Map<String, ChangeHint> urls = new LinkedHashMap<>();
        if (map instanceof SiteMapIndex index) {
            for (AbstractSiteMap child : index.getSitemaps()) {
                urls.put(child.getUrl().toString(), null);
            }
            return entries(request, urls, EntryKind.SITEMAP, request.depth());
        }
        for (SiteMapURL url : ((SiteMap) map).getSiteMapUrls()) {
            urls.putIfAbsent(url.getUrl().toString(), hintOf(url));
        }
        return entries(request, urls, EntryKind.URL, request.depth() + 1);
    }

    /** A URL's {@code <lastmod>}, else its {@code <changefreq>} as an interval. */
    static ChangeHint hintOf(SiteMapURL url) {
        return ChangeHint.of(url.getLastModified() == null ? 0 : url.getLastModified().getTime(),
                url.getChangeFrequency() == null ? 0 : intervalOf(url.getChangeFrequency()).toMillis());
    }

    /** A change frequency as an interval; the task's recrawl bounds keep "always" and "never" in range. */
    private static Duration intervalOf(SiteMapURL.ChangeFrequency frequency) {
        return switch (frequency) {
            case ALWAYS -> Duration.ofMillis(1);
            case HOURLY -> Duration.ofHours(1);
            case DAILY -> Duration.ofDays(1);
            case WEEKLY -> Duration.ofDays(7);
            case MONTHLY -> Duration.ofDays(30);
            case YEARLY -> Duration.ofDays(365);
            case NEVER -> Duration.ofMillis(Long.MAX_VALUE);
        };
    }

    private List<FrontierEntry> entries(FetchRequest request, Map<String, ChangeHint> urls, EntryKind kind, int depth) {
        Map<String, ChangeHint> kept = new LinkedHashMap<>();
        for (Map.Entry<String, ChangeHint> url : urls.entrySet()) {
            if (kept.size() >= maxEntries) {
                break;
            }
            UrlNormalizer.normalize(url.getKey()).filter(u -> request.scope().allows(u))
                    .ifPresent(u -> kept.putIfAbsent(u, url.getValue()));
        }
        List<FrontierEntry> entries = new ArrayList<>(kept.size());
        kept.forEach((url, hint) -> entries.add(FrontierEntry.builder(url, request.task()).depth(depth)
                .priority(request.priority()).parent(request.url()).kind(kind).change(hint).build()));
        return entries;
    }
}
