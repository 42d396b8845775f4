package io.streamcrawl.job.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.ChangeHint;
import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.url.TaskScope;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** What a fetch yields besides links: a redirect's target within the chain's limit, a sitemap's entries. */
class FetchFollowUpsTest {
    private static final TaskScope SCOPE = TaskScope.ofSeeds(List.of("http://a.org/"));
    private static final FetchSettings SETTINGS = FetchFixtures.settings("ua", 5_000, 1_000, new String[0], 1);

    private final FetchFollowUps followUps = new FetchFollowUps(new UnregisteredMetricsGroup(), 100);

    @Test
    void followsARedirectAsAnEntryOneStepDownTheChainUntilTheLimit() {
        List<FrontierEntry> first = followUps.of(FetchFixtures.redirect(page("http://a.org/r0", 0), 301, "http://a.org/r1"));
        List<FrontierEntry> last = followUps.of(FetchFixtures.redirect(page("http://a.org/r5", 5), 302, "http://a.org/r6"));
        List<FrontierEntry> away = followUps.of(FetchFixtures.redirect(page("http://a.org/r0", 0), 302, "http://elsewhere.org/"));

        assertThat(last).isEmpty();
        assertThat(away).isEmpty();
        assertThat(first).singleElement().satisfies(entry -> {
            assertThat(entry.url()).isEqualTo("http://a.org/r1");
            assertThat(entry.kind()).isEqualTo(EntryKind.URL);
            assertThat(entry.redirects()).isEqualTo(1);
            assertThat(entry.depth()).isEqualTo(2);
            assertThat(entry.parent()).isEqualTo("http://a.org/r0");
        });
    }

    @Test
    void readsTheEntriesOfASitemapAndNothingOfAPage() {
        FetchRequest sitemap = FetchFixtures.request("http://a.org/sitemap.xml", FetchPurpose.SITEMAP, SCOPE, SETTINGS, 0, 0, false);
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + "<url><loc>http://a.org/p1</loc></url><url><loc>http://elsewhere.org/p</loc></url></urlset>")
                .getBytes(StandardCharsets.UTF_8);

        List<FrontierEntry> entries = followUps.of(FetchFixtures.response(sitemap, 200, sitemap.url(), "application/xml", xml, false, 0, 1));
        List<FrontierEntry> none = followUps.of(FetchFixtures.response(page("http://a.org/p", 0), 200, "http://a.org/p", "text/html",
                xml, false, 0, 1));

        assertThat(entries).extracting(FrontierEntry::url, FrontierEntry::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("http://a.org/p1", EntryKind.URL));
        assertThat(none).isEmpty();
    }

    @Test
    void aSitemapsEntriesCarryTheirLastmodElseTheirChangefreq() {
        FetchRequest sitemap = FetchFixtures.request("http://a.org/sitemap.xml", FetchPurpose.SITEMAP, SCOPE, SETTINGS, 0, 0, false);
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + "<url><loc>http://a.org/news</loc><lastmod>2026-12-01T10:00:00Z</lastmod><changefreq>hourly</changefreq></url>"
                + "<url><loc>http://a.org/daily</loc><changefreq>daily</changefreq></url>"
                + "<url><loc>http://a.org/never</loc><changefreq>never</changefreq></url>"
                + "<url><loc>http://a.org/plain</loc></url></urlset>").getBytes(StandardCharsets.UTF_8);

        List<FrontierEntry> entries = followUps.of(FetchFixtures.response(sitemap, 200, sitemap.url(), "application/xml", xml, false, 0, 1));

        assertThat(entries).extracting(FrontierEntry::url, FrontierEntry::change).containsExactly(
                org.assertj.core.groups.Tuple.tuple("http://a.org/news",
                        new ChangeHint(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli(), 0)),
                org.assertj.core.groups.Tuple.tuple("http://a.org/daily", new ChangeHint(0, Duration.ofDays(1).toMillis())),
                org.assertj.core.groups.Tuple.tuple("http://a.org/never", new ChangeHint(0, Long.MAX_VALUE)),
                org.assertj.core.groups.Tuple.tuple("http://a.org/plain", null));
    }

    private static FetchRequest page(String url, int redirects) {
        return FetchFixtures.request(url, FetchPurpose.PAGE, SCOPE, SETTINGS, redirects, 0, false);
    }
}
