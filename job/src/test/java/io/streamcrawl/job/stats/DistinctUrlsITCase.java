package io.streamcrawl.job.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.url.UrlFingerprint;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.Holds;

import io.etcd.jetcd.Client;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subtasks' sketches of distinct URLs unite in a real etcd; merging again never over-counts. */
class DistinctUrlsITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final TaskKeys KEYS = new TaskKeys("/hll-test/");

    @Test
    void overlappingSubtaskSketchesMergeToTheDistinctCountAndRemergingChangesNothing() {
        try (Client etcd = Client.builder().endpoints(ETCD.endpoint()).build();
                DistinctUrls first = new DistinctUrls(new EtcdKv(etcd), KEYS, new UnregisteredMetricsGroup());
                DistinctUrls second = new DistinctUrls(new EtcdKv(etcd), KEYS, new UnregisteredMetricsGroup())) {
            EtcdKv kv = new EtcdKv(etcd);
            String key = KEYS.key("news", TaskKeys.HLL);
            addUrls(first, 0, 6_000);
            addUrls(second, 4_000, 10_000);
            first.mergeChanged();
            second.mergeChanged();
            await().until(() -> first.mergedEstimate("news") > 0 && second.mergedEstimate("news") > 0);
            // The later merge saw the earlier one's sketch: it reports the union of both.
            await().until(() -> Math.max(first.mergedEstimate("news"), second.mergedEstimate("news")) > 9_000);
            double merged = DistinctUrls.estimate(kv.read(key).value());
            assertThat(merged).isCloseTo(10_000, within(10_000 * 0.05));

            long revision = kv.read(key).modRevision();
            addUrls(first, 0, 6_000);
            first.mergeChanged();
            // A merge that adds nothing writes nothing.
            Holds.forAtLeast(java.time.Duration.ofMillis(500), () -> kv.read(key).modRevision() == revision);
            assertThat(DistinctUrls.estimate(kv.read(key).value())).isEqualTo(merged);
        }
    }

    private static void addUrls(DistinctUrls sketches, int from, int to) {
        for (int i = from; i < to; i++) {
            sketches.add("news", UrlFingerprint.of("https://example.org/" + i).high());
        }
    }
}
