package io.streamcrawl.job.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.cli.CrawlProgress;

import crawlercommons.urlfrontier.Urlfrontier;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CrawlStatsTest {
    @Test
    void queuedIsTheSizeInFlightIsInProcessAndTheRestAreCounts() {
        Urlfrontier.Stats stats = CrawlStats.of("news", new CrawlProgress(12, 3, 40, 2, 1, 7), 55, 4);

        assertThat(stats.getCrawlID()).isEqualTo("news");
        assertThat(stats.getSize()).isEqualTo(12);
        assertThat(stats.getInProcess()).isEqualTo(3);
        assertThat(stats.getCountsMap()).isEqualTo(Map.of("pages", 40L, "errors", 2L, "distinct_urls", 55L,
                "frontier_unread", 1L, "frontier_pending", 7L, "hosts_backing_off", 4L));
    }

    @Test
    void queuesArePagedFromStartWithAHundredWhenNoSizeIsGiven() {
        List<String> hosts = List.of("a", "b", "c");

        assertThat(QueuePage.of("t", hosts, 1, 1)).isEqualTo(Urlfrontier.QueueList.newBuilder().setCrawlID("t")
                .addValues("b").setTotal(3).setStart(1).setSize(1).build());
        assertThat(QueuePage.of("t", hosts, 0, 0).getValuesList()).isEqualTo(hosts);
        assertThat(QueuePage.of("t", hosts, 5, 0).getValuesList()).isEmpty();
    }
}
