package io.streamcrawl.job.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.PageRecord;
import io.streamcrawl.job.model.Revisit;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReportCountersTest {
    @Test
    void countsStatusesMediaTypesFailuresAndHostsOfEachFetch() {
        TaskCounters counters = new TaskCounters();
        ReportCounters report = new ReportCounters(counters, new ReportCounters.Bounds(10, 10));

        report.count(page("https://a.org/", 200, "text/html; charset=UTF-8", 100, "2026-12-07T04:00:01.500Z"));
        report.count(page("https://a.org/x", 304, null, 0, "2026-12-07T04:00:03Z"));
        report.count(CrawledPage.fetched(record("https://a.org/y", 200, "text/html", 0, null).toBuilder()
                .revisit(Revisit.IDENTICAL_PAYLOAD).build(), List.of(), null));
        report.count(page("https://a.org:8443/gone", 404, "Text/HTML", 20, "2026-12-07T04:00:00Z"));
        report.count(new CrawledPage(record("https://b.org/", 0, null, 0, "2026-12-07T04:00:02Z"), List.of(), false, "connect"));
        report.count(CrawledPage.recorded(record("https://b.org/old", 0, null, 0, null)));

        assertThat(counters.view().get("news")).isEqualTo(Map.ofEntries(
                Map.entry("report:bytes", 120L),
                Map.entry("report:status:200", 2L), Map.entry("report:status:304", 1L), Map.entry("report:status:404", 1L),
                Map.entry("report:status:0", 2L),
                Map.entry("report:mime:text/html", 3L), Map.entry("report:mime:(none)", 1L),
                Map.entry("report:novel", 1L), Map.entry("report:not_modified", 1L), Map.entry("report:identical_payload", 1L),
                Map.entry("report:failure:connect", 1L), Map.entry("report:failure:unknown", 1L),
                Map.entry("report:fetch_first_ms", 1_796_616_000_000L), Map.entry("report:fetch_last_ms", 1_796_616_003_000L),
                Map.entry("report:host:a.org:fetches", 4L), Map.entry("report:host:a.org:bytes", 120L),
                Map.entry("report:host:a.org:2xx", 2L), Map.entry("report:host:a.org:3xx", 1L), Map.entry("report:host:a.org:4xx", 1L),
                Map.entry("report:host:b.org:fetches", 2L), Map.entry("report:host:b.org:bytes", 0L),
                Map.entry("report:host:b.org:no_response", 2L)));
    }

    @Test
    void hostsAndMediaTypesPastTheBoundsAreCountedTogetherAlsoAfterARestore() {
        TaskCounters counters = new TaskCounters();
        ReportCounters report = new ReportCounters(counters, new ReportCounters.Bounds(2, 1));
        report.count(page("https://a.org/", 200, "text/html", 1, null));
        report.count(page("https://b.org/", 200, "text/plain", 1, null));
        report.count(page("https://c.org/", 200, "text/plain", 1, null));

        // A restored subtask knows the hosts and media types it counted one by one.
        TaskCounters restored = new TaskCounters();
        counters.view().get("news").forEach((counter, value) -> restored.restore(new TaskCounters.Count("news", counter, value)));
        ReportCounters afterRestore = new ReportCounters(restored, new ReportCounters.Bounds(2, 1));
        afterRestore.count(page("https://b.org/2", 200, "text/html", 1, null));
        afterRestore.count(page("https://d.org/", 200, "image/png", 1, null));

        Map<String, Long> values = restored.view().get("news");
        assertThat(values).containsEntry("report:host:a.org:fetches", 1L).containsEntry("report:host:b.org:fetches", 2L)
                .containsEntry("report:host:(other hosts):fetches", 2L).doesNotContainKeys("report:host:c.org:fetches");
        assertThat(values).containsEntry("report:mime:text/html", 2L).containsEntry("report:mime:(other)", 3L)
                .doesNotContainKeys("report:mime:text/plain", "report:mime:image/png");
    }

    @Test
    void statusClasses() {
        assertThat(List.of(0, 101, 200, 304, 404, 503)).extracting(ReportCounters::statusClass)
                .containsExactly("no_response", "1xx", "2xx", "3xx", "4xx", "5xx");
    }

    private static CrawledPage page(String url, int status, String contentType, long bytes, String fetchedAt) {
        return CrawledPage.fetched(record(url, status, contentType, bytes, fetchedAt), List.of(), null);
    }

    private static PageRecord record(String url, int status, String contentType, long bytes, String fetchedAt) {
        return PageRecord.builder(url, "news").status(status).contentType(contentType).contentLength(bytes).fetchedAt(fetchedAt).build();
    }
}
