package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.FrontierEntry;

import org.apache.flink.streaming.api.operators.StreamFilter;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recent-link filter drops exactly the repeats it still remembers, per task. */
class RecentLinkFilterTest {

    @Test
    void dropsRepeatsOfATaskButNotTheSameUrlOfAnotherTask() throws Exception {
        try (OneInputStreamOperatorTestHarness<FrontierEntry, FrontierEntry> harness = harness(10)) {
            List<FrontierEntry> in = List.of(link("a", "news"), link("b", "news"), link("a", "news"),
                    link("a", "blogs"), new FrontierEntry("http://h/a", "news", 7, 3, "http://h/other"), link("b", "news"));
            for (FrontierEntry entry : in) {
                harness.processElement(entry, 0);
            }

            assertThat(harness.extractOutputValues()).containsExactly(link("a", "news"), link("b", "news"), link("a", "blogs"));
        }
    }

    @Test
    void forgetsTheLeastRecentlySeenBeyondItsCapacity() throws Exception {
        try (OneInputStreamOperatorTestHarness<FrontierEntry, FrontierEntry> harness = harness(2)) {
            for (String path : List.of("a", "b", "a", "c", "a", "b", "c")) {
                harness.processElement(link(path, "t"), 0);
            }
            // a b (a repeats: most recent) c evicts b; a repeats; b evicts c; c evicts a.
            assertThat(harness.extractOutputValues()).extracting(FrontierEntry::url)
                    .containsExactly("http://h/a", "http://h/b", "http://h/c", "http://h/b", "http://h/c");
        }
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new RecentLinkFilter(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    }

    private static OneInputStreamOperatorTestHarness<FrontierEntry, FrontierEntry> harness(int capacity) throws Exception {
        OneInputStreamOperatorTestHarness<FrontierEntry, FrontierEntry> harness =
                new OneInputStreamOperatorTestHarness<>(new StreamFilter<>(new RecentLinkFilter(capacity)));
        harness.open();
        return harness;
    }

    private static FrontierEntry link(String path, String task) {
        return new FrontierEntry("http://h/" + path, task, 1, 0, "http://h/");
    }
}
