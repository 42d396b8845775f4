package io.streamcrawl.job.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.PageRecord;

import java.util.List;

import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * What the pages sink gets of a page: its links, then its record; nothing of a page recorded
 * before a failure; and no link this subtask passed on recently (per task, within its capacity).
 */
class PageWritesTest {
    @Test
    void writesAPagesLinksThenItsRecordAndNothingOfAPageRecordedBefore() throws Exception {
        try (var harness = harness(0)) {
            harness.processElement(CrawledPage.fetched(record("http://h/"), List.of(link("a", "t"), link("b", "t")), null), 0);
            harness.processElement(CrawledPage.recorded(record("http://h/old")), 0);
            harness.processElement(CrawledPage.fetched(record("http://h/a"), List.of(link("a", "t")), null), 0);

            assertThat(harness.extractOutputValues()).containsExactly(
                    StreamWrite.link(link("a", "t")), StreamWrite.link(link("b", "t")), StreamWrite.page(record("http://h/")),
                    StreamWrite.link(link("a", "t")), StreamWrite.page(record("http://h/a")));
        }
    }

    @Test
    void dropsRepeatsOfATaskButNotTheSameUrlOfAnotherTask() throws Exception {
        try (var harness = harness(10)) {
            harness.processElement(CrawledPage.fetched(record("http://h/"), List.of(link("a", "news"), link("b", "news")), null), 0);
            harness.processElement(CrawledPage.fetched(record("http://h/b"), List.of(link("a", "news"), link("a", "blogs"),
                    new FrontierEntry("http://h/a", "news", 7, 3, "http://h/other"), link("b", "news")), null), 0);

            assertThat(harness.extractOutputValues()).containsExactly(
                    StreamWrite.link(link("a", "news")), StreamWrite.link(link("b", "news")), StreamWrite.page(record("http://h/")),
                    StreamWrite.link(link("a", "blogs")), StreamWrite.page(record("http://h/b")));
        }
    }

    @Test
    void forgetsTheLeastRecentlyPassedLinksBeyondItsCapacity() throws Exception {
        try (var harness = harness(2)) {
            for (String path : List.of("a", "b", "a", "c", "a", "b", "c")) {
                harness.processElement(CrawledPage.fetched(record("http://h/"), List.of(link(path, "t")), null), 0);
            }
            // a b (a repeats: most recent) c evicts b; a repeats; b evicts c; c evicts a.
            assertThat(harness.extractOutputValues()).filteredOn(write -> write.link() != null)
                    .extracting(write -> write.link().url())
                    .containsExactly("http://h/a", "http://h/b", "http://h/c", "http://h/b", "http://h/c");
        }
    }

    @Test
    void refusesANegativeCapacity() {
        assertThatThrownBy(() -> new PageWrites(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    private static OneInputStreamOperatorTestHarness<CrawledPage, StreamWrite> harness(int recentLinks) throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new PageWrites(recentLinks)));
        harness.open();
        return harness;
    }

    private static FrontierEntry link(String path, String task) {
        return new FrontierEntry("http://h/" + path, task, 1, 0, "http://h/");
    }

    private static PageRecord record(String url) {
        return PageRecord.builder(url, "t").status(200).contentType("text/html").contentLength(10)
                .fetchedAt("2023-11-14T22:13:20.123Z").fetchMs(1).build();
    }
}
