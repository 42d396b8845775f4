package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The scheduler's metrics keep the names docs/metrics.md, the dashboards and the cluster tests read. */
class SchedulerMetricsTest {
    @Test
    void registersEveryMetricOfTheSchedulerUnderItsDocumentedName() {
        Names names = new Names("");
        SchedulerMetrics metrics = new SchedulerMetrics(names, () -> 3, () -> 4);
        metrics.backoff("503");

        assertThat(names.registered).containsExactlyInAnyOrder(
                "crawler_urls_new_total", "crawler_urls_duplicate_total", "crawler_urls_dropped_total",
                "crawler_urls_requeued_total", "crawler_robots_denied_total", "crawler_urls_robots_unreachable_total",
                "crawler_robots_requests_total", "crawler_urls_host_capped_total", "crawler_urls_recrawled_total",
                "crawler_urls_over_budget_total", "crawler_urls_stale_retries_total", "crawler_urls_host_given_up_total",
                "crawler_host_breakers_opened_total", "crawler_budget_unavailable_total", "crawler_hosts_active",
                "crawler_queue_urls", "cause=503/crawler_host_backoffs_total");
    }

    /** A metric group that records the names registered in it and its sub-groups. */
    private static final class Names extends UnregisteredMetricsGroup {
        private final String prefix;
        private final Set<String> registered;

        Names(String prefix) {
            this(prefix, new TreeSet<>());
        }

        private Names(String prefix, Set<String> registered) {
            this.prefix = prefix;
            this.registered = registered;
        }

        @Override
        public Counter counter(String name) {
            registered.add(prefix + name);
            return new SimpleCounter();
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            registered.add(prefix + name);
            return gauge;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new Names(prefix + key + "=" + value + "/", registered);
        }
    }
}
