package io.streamcrawl.job.fetch;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads sitemaps with crawler-commons: the sitemaps a robots.txt lists, and the sitemaps or page
 * URLs a sitemap lists, as frontier entries of the request's task (normalized, in the task's
 * scope, de-duplicated, at most {@code maxEntries}). Sitemap entries keep the request's depth;
 * page URLs are one deeper. Not thread-safe: one per operator instance.
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
        List<String> sitemaps = robotsParser.parseContent(robots.url(), body, "text/plain", List.of()).getSitemaps();
        return entries(robots, sitemaps, EntryKind.SITEMAP, robots.depth());
    }

    /** What a fetched sitemap lists; throws when it is not a sitemap crawler-commons can read. */
    List<FrontierEntry> fromSitemap(FetchResult result) throws IOException, UnknownFormatException {
        FetchRequest request = result.request();
        URL location = new URL(result.finalUrl() != null ? result.finalUrl() : request.url());
        AbstractSiteMap map = parser.parseSiteMap(result.contentType(), result.body(), location);
        List<String> urls = new ArrayList<>();
        if (map instanceof SiteMapIndex index) {
            for (AbstractSiteMap child : index.getSitemaps()) {
                urls.add(child.getUrl().toString());
            }
            return entries(request, urls, EntryKind.SITEMAP, request.depth());
        }
        for (SiteMapURL url : ((SiteMap) map).getSiteMapUrls()) {
            urls.add(url.getUrl().toString());
        }
        return entries(request, urls, EntryKind.URL, request.depth() + 1);
    }

    private List<FrontierEntry> entries(FetchRequest request, List<String> urls, EntryKind kind, int depth) {
        Set<String> kept = new LinkedHashSet<>();
        for (String url : urls) {
            if (kept.size() >= maxEntries) {
                break;
            }
            UrlNormalizer.normalize(url).filter(u -> request.scope().allows(u)).ifPresent(kept::add);
        }
        List<FrontierEntry> entries = new ArrayList<>(kept.size());
        for (String url : kept) {
            entries.add(new FrontierEntry(url, request.task(), depth, request.priority(), request.url()).as(kind));
        }
        return entries;
    }
}
