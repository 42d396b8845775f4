package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.config.TaskSpecParser;

import org.junit.jupiter.api.Test;

class RecrawlIntervalTest {
    private final RecrawlInterval interval = new RecrawlInterval(60_000, 30_000, 240_000);

    @Test
    void startsAtTheStartThenHalvesOnAChangeAndDoublesWithoutOneWithinItsBounds() {
        assertThat(interval.next(0, true)).as("the first fetch").isEqualTo(60_000);
        assertThat(interval.next(60_000, false)).isEqualTo(120_000);
        assertThat(interval.next(120_000, false)).isEqualTo(240_000);
        assertThat(interval.next(240_000, false)).as("at most the max").isEqualTo(240_000);
        assertThat(interval.next(240_000, true)).isEqualTo(120_000);
        assertThat(interval.next(40_000, true)).as("at least the min").isEqualTo(30_000);
        assertThat(interval.next(Long.MAX_VALUE, false)).isEqualTo(240_000);
    }

    @Test
    void keepsAnIntervalWithinBoundsThatASpecChangeMoved() {
        assertThat(interval.within(1_000_000)).isEqualTo(240_000);
        assertThat(interval.within(1_000)).isEqualTo(30_000);
        assertThat(interval.within(0)).as("no interval yet: the start").isEqualTo(60_000);
    }

    @Test
    void comesFromTheSpecAndIsFixedWithoutBounds() {
        assertThat(of("\"recrawlAfter\": \"PT1M\", \"recrawlMin\": \"PT30S\", \"recrawlMax\": \"PT4M\""))
                .isEqualTo(interval);
        RecrawlInterval fixed = of("\"recrawlAfter\": \"P7D\"");
        assertThat(fixed.next(fixed.startMs(), true)).isEqualTo(fixed.next(fixed.startMs(), false)).isEqualTo(604_800_000L);
        assertThat(of("\"maxDepth\": 1").recrawls()).isFalse();
    }

    private static RecrawlInterval of(String fields) {
        return RecrawlInterval.of(TaskSpecParser.parse("{\"seeds\": [\"http://a.org/\"], " + fields + "}").spec());
    }
}
