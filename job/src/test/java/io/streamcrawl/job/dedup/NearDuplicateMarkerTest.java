package io.streamcrawl.job.dedup;

import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.PageRecord;
import io.streamcrawl.job.url.Hosts;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NearDuplicateMarkerTest {
    private static final long BASE = 0x0123_4567_89ab_cdefL;
    /** Three bits apart, one in each of three of the four 16-bit bands. */
    private static final long THREE_BANDS_APART = BASE ^ (1L | 1L << 20 | 1L << 40);

    private final List<KeyedOneInputStreamOperatorTestHarness<String, CrawledPage, CrawledPage>> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<String, CrawledPage, CrawledPage> harness : harnesses) {
            harness.close();
        }
    }

    @Test
    void marksAPageNearAnEarlierPageOfItsHostAndNothingElse() throws Exception {
        var harness = open(new NearDuplicateMarker(3, 100));

        harness.processElement(page("http://a.org/1", BASE), 0);
        harness.processElement(page("http://a.org/2", THREE_BANDS_APART), 0);
        harness.processElement(page("http://a.org/3", BASE ^ 0xfL), 0);
        harness.processElement(page("http://b.org/1", BASE), 0);
        harness.processElement(page("http://a.org/4", null), 0);
        harness.processElement(page("http://a.org/1", BASE ^ 1L), 0);
        harness.processElement(page("http://a.org/5", BASE ^ 0xfL ^ 1L << 63), 0);

        assertThat(records(harness)).extracting(PageRecord::url, PageRecord::nearDuplicateOf).containsExactly(
                tuple("http://a.org/1", null),
                tuple("http://a.org/2", "http://a.org/1"),
                tuple("http://a.org/3", null),
                tuple("http://b.org/1", null),
                tuple("http://a.org/4", null),
                tuple("http://a.org/1", null),
                tuple("http://a.org/5", "http://a.org/3"));
    }

    @Test
    void prefersTheNearestEarlierPage() throws Exception {
        var harness = open(new NearDuplicateMarker(3, 100));

        harness.processElement(page("http://a.org/far", BASE ^ 0b111L), 0);
        harness.processElement(page("http://a.org/near", BASE ^ 1L << 32), 0);
        harness.processElement(page("http://a.org/page", BASE), 0);

        assertThat(records(harness)).extracting(PageRecord::nearDuplicateOf)
                .containsExactly(null, null, "http://a.org/near");
    }

    @Test
    void distanceZeroMarksOnlyTheSameFingerprint() throws Exception {
        var harness = open(new NearDuplicateMarker(0, 100));

        harness.processElement(page("http://a.org/1", BASE), 0);
        harness.processElement(page("http://a.org/2", BASE ^ 1L), 0);
        harness.processElement(page("http://a.org/3", BASE), 0);

        assertThat(records(harness)).extracting(PageRecord::nearDuplicateOf)
                .containsExactly(null, null, "http://a.org/1");
    }

    @Test
    void forgetsTheOldestPagesOfAHostBeyondItsBound() throws Exception {
        var harness = open(new NearDuplicateMarker(3, 2));

        harness.processElement(page("http://a.org/1", BASE), 0);
        harness.processElement(page("http://a.org/2", ~BASE), 0);
        harness.processElement(page("http://a.org/3", 0x5555_5555_5555_5555L), 0);
        harness.processElement(page("http://a.org/4", BASE ^ 1L), 0);
        harness.processElement(page("http://a.org/5", 0x5555_5555_5555_5555L ^ 1L), 0);

        assertThat(records(harness)).extracting(PageRecord::nearDuplicateOf)
                .containsExactly(null, null, null, null, "http://a.org/3");
    }

    @Test
    void remembersThePagesOfEachHostAcrossARestore() throws Exception {
        var before = open(new NearDuplicateMarker(3, 100));
        before.processElement(page("http://a.org/1", BASE), 0);
        OperatorSubtaskState snapshot = before.snapshot(1, 1);

        var after = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new NearDuplicateMarker(3, 100)), NearDuplicateMarkerTest::hostOf, Types.STRING);
        harnesses.add(after);
        after.initializeState(snapshot);
        after.open();
        after.processElement(page("http://a.org/2", THREE_BANDS_APART), 0);

        assertThat(records(after)).extracting(PageRecord::nearDuplicateOf).containsExactly("http://a.org/1");
    }

    @Test
    void rejectsDistancesItCannotIndex() {
        assertThatThrownBy(() -> new NearDuplicateMarker(8, 100)).hasMessageContaining("near-duplicates.max-distance");
        assertThatThrownBy(() -> new NearDuplicateMarker(3, 0)).hasMessageContaining("near-duplicates.pages-per-host");
    }

    private KeyedOneInputStreamOperatorTestHarness<String, CrawledPage, CrawledPage> open(NearDuplicateMarker marker)
            throws Exception {
        var harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(marker, NearDuplicateMarkerTest::hostOf, Types.STRING);
        harnesses.add(harness);
        return harness;
    }

    private static List<PageRecord> records(KeyedOneInputStreamOperatorTestHarness<String, CrawledPage, CrawledPage> harness) {
        return harness.extractOutputValues().stream().map(CrawledPage::record).toList();
    }

    private static String hostOf(CrawledPage page) {
        return Hosts.hostOf(page.record().pageUrl()).orElse("");
    }

    private static CrawledPage page(String url, Long simhash) {
        return CrawledPage.fetched(PageRecord.builder(url, "t").status(200).contentType("text/html").contentLength(10)
                .fetchedAt("2023-11-14T22:13:20.123Z").fetchMs(1).simhash(simhash).build(), List.of(), null);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
