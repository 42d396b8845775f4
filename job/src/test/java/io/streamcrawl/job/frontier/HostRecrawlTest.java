package io.streamcrawl.job.frontier;

import static io.streamcrawl.job.frontier.HostQueuesTest.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.model.ChangeHint;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.model.PayloadDigest;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class HostRecrawlTest {
    private static final long SCAN = 1_000;
    private final HostRecrawl recrawl = new HostRecrawl(new MemoryMapState<>(), new MemoryMapState<>(), new MemoryValueState<>(),
            SCAN);

    @Test
    void dueUrlsComeBackAtMostOncePerScanInterval() throws Exception {
        QueuedUrl a = url("t", "a", 0, 0);
        QueuedUrl b = url("t", "b", 0, 0);
        recrawl.schedule(a.fingerprint(), a, 500);
        recrawl.schedule(b.fingerprint(), b, 700);

        assertThat(recrawl.nextScanAt()).isEqualTo(500);
        assertThat(recrawl.takeDue(499)).isEmpty();
        assertThat(recrawl.takeDue(500)).containsExactly(a);
        assertThat(recrawl.nextScanAt()).as("b is due at 700, the next scan no sooner than 500 + SCAN").isEqualTo(1_500);
        assertThat(recrawl.scanDue(1_000)).isFalse();
        assertThat(recrawl.takeDue(1_500)).containsExactly(b);
        assertThat(recrawl.nextScanAt()).isNull();
    }

    @Test
    void aUrlPlannedAgainReplacesItsEarlierPlan() throws Exception {
        QueuedUrl a = url("t", "a", 0, 0);
        recrawl.schedule(a.fingerprint(), a, 500);
        recrawl.schedule(a.fingerprint(), a.recrawl(), 900);

        assertThat(recrawl.takeDue(500)).isEmpty();
        assertThat(recrawl.takeDue(1_500)).containsExactly(a);
    }

    @Test
    void aCaptureMovesTheNextFetchByWhetherThePageChanged() throws Exception {
        RecrawlInterval interval = new RecrawlInterval(60_000, 30_000, 240_000);
        QueuedUrl a = url("t", "a", 0, 0);
        assertThat(recrawl.released(a, interval, 0)).isEqualTo(PageValidators.NONE);
        PageValidators first = new PageValidators("\"1\"", null, "sha1:A", 10);
        recrawl.captured(a.fingerprint(), first, interval, 0);

        assertThat(recrawl.takeDue(59_999)).isEmpty();
        assertThat(recrawl.takeDue(60_000)).containsExactly(a);
        assertThat(recrawl.released(a, interval, 60_000)).isEqualTo(first);
        recrawl.captured(a.fingerprint(), new PageValidators("\"1b\"", null, "sha1:A", 10), interval, 60_000);

        assertThat(recrawl.takeDue(120_000)).as("unchanged: twice the interval").isEmpty();
        assertThat(recrawl.takeDue(180_000)).containsExactly(a);
        assertThat(recrawl.released(a, interval, 180_000).etag()).isEqualTo("\"1b\"");
        recrawl.captured(a.fingerprint(), new PageValidators("\"2\"", null, "sha1:B", 180_010), interval, 180_000);

        assertThat(recrawl.takeDue(240_000)).as("changed: half the last interval").containsExactly(a);
    }

    @Test
    void aSitemapsLastmodAfterTheLastCaptureMakesTheRecrawlDueNow() throws Exception {
        RecrawlInterval interval = new RecrawlInterval(60_000, 60_000, 60_000);
        QueuedUrl a = url("t", "a", 0, 0);
        recrawl.released(a, interval, 0);
        recrawl.captured(a.fingerprint(), new PageValidators(null, null, "sha1:A", 10), interval, 0);

        assertThat(recrawl.hinted(a.fingerprint(), ChangeHint.of(10, 0), interval, 1_000)).as("not after the capture").isFalse();
        assertThat(recrawl.hinted(a.fingerprint(), ChangeHint.of(11, 0), interval, 1_000)).isTrue();

        assertThat(recrawl.takeDue(1_000)).containsExactly(a);
        assertThat(recrawl.hinted(a.fingerprint(), ChangeHint.of(12, 0), interval, 1_001)).as("queued already").isFalse();
    }

    @Test
    void aSitemapsChangefreqIsTheIntervalWithinTheBounds() throws Exception {
        RecrawlInterval interval = new RecrawlInterval(60_000, 30_000, 240_000);
        QueuedUrl fresh = url("t", "fresh", 0, 0);
        QueuedUrl known = url("t", "known", 0, 0);
        assertThat(recrawl.hinted(fresh.fingerprint(), ChangeHint.of(0, 1), interval, 0)).as("not released yet").isFalse();
        recrawl.released(known, interval, 0);

        assertThat(recrawl.hinted(known.fingerprint(), ChangeHint.of(0, Long.MAX_VALUE), interval, 10)).isTrue();
        recrawl.released(fresh, interval, 0);

        assertThat(recrawl.takeDue(30_000)).as("always: the min").containsExactly(fresh);
        assertThat(recrawl.takeDue(239_999)).isEmpty();
        assertThat(recrawl.takeDue(240_000)).as("never: the max").containsExactly(known);
        recrawl.released(known, interval, 240_000);
        recrawl.captured(known.fingerprint(), new PageValidators(null, null, "sha1:A", 240_010), interval, 240_000);
        assertThat(recrawl.nextScanAt()).as("a first capture keeps the sitemap's interval").isEqualTo(480_000);
        assertThat(recrawl.hinted(known.fingerprint(), ChangeHint.of(0, 1), interval, 240_001))
                .as("after a capture the page's own changes adapt it").isFalse();
    }

    @Test
    void aForgottenUrlStartsOverAtItsNextRelease() throws Exception {
        RecrawlInterval interval = new RecrawlInterval(60_000, 60_000, 60_000);
        QueuedUrl a = url("t", "a", 0, 0);
        recrawl.released(a, interval, 0);
        recrawl.captured(a.fingerprint(), new PageValidators("\"1\"", null, "sha1:A", 10), interval, 0);

        recrawl.forget(a.fingerprint());

        assertThat(recrawl.released(a, interval, 1)).isEqualTo(PageValidators.NONE);
    }

    @Test
    void aPlanWithTheLongestValidatorsTakesAtMost400BytesInState() throws Exception {
        PageValidators longest = new PageValidators("\"" + "e".repeat(PageValidators.MAX_ETAG_CHARS - 2) + "\"",
                "x".repeat(PageValidators.MAX_LAST_MODIFIED_CHARS), PayloadDigest.of(new byte[1]).toString(), 1L << 40);
        DataOutputSerializer out = new DataOutputSerializer(512);

        TypeInformation.of(RecrawlPlan.class).createSerializer(new SerializerConfigImpl())
                .serialize(new RecrawlPlan(longest, 1L << 40), out);

        assertThat(longest.etag()).hasSize(PageValidators.MAX_ETAG_CHARS);
        assertThat(out.length()).isLessThanOrEqualTo(400);
    }
}
