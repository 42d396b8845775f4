package io.streamcrawl.job.frontier;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Every counter and gauge of the {@link HostScheduler}, registered once in its operator's metric
 * group under the names docs/metrics.md lists (the cluster tests and dashboards read them).
 * The parts count through it; a unit test builds it on an unregistered group and reads the counts.
 */
final class SchedulerMetrics {
    final Counter newUrls;
    final Counter duplicateUrls;
    /** Out of scope or depth, or of a deleted task. */
    final Counter droppedUrls;
    final Counter requeuedUrls;
    final Counter staleRetries;
    final Counter robotsDenied;
    final Counter robotsUnreachable;
    final Counter robotsRequests;
    final Counter hostCapped;
    final Counter recrawled;
    final Counter overBudget;
    final Counter givenUpUrls;
    final Counter breakersOpened;
    /** Reservations of page budget that found etcd unreachable (counted by {@link TaskBudgets}). */
    final Counter budgetUnavailable;
    private final MetricGroup group;
    /** crawler_host_backoffs_total by cause (status or where the fetch failed). */
    private final Map<String, Counter> backoffs = new HashMap<>();

    /** {@code activeHosts} and {@code queuedUrls} are read on the metric reporter's thread. */
    SchedulerMetrics(MetricGroup group, LongSupplier activeHosts, LongSupplier queuedUrls) {
        this.group = group;
        newUrls = group.counter("crawler_urls_new_total");
        duplicateUrls = group.counter("crawler_urls_duplicate_total");
        droppedUrls = group.counter("crawler_urls_dropped_total");
        requeuedUrls = group.counter("crawler_urls_requeued_total");
        robotsDenied = group.counter("crawler_robots_denied_total");
        robotsUnreachable = group.counter("crawler_urls_robots_unreachable_total");
        robotsRequests = group.counter("crawler_robots_requests_total");
        hostCapped = group.counter("crawler_urls_host_capped_total");
        recrawled = group.counter("crawler_urls_recrawled_total");
        overBudget = group.counter("crawler_urls_over_budget_total");
        staleRetries = group.counter("crawler_urls_stale_retries_total");
        givenUpUrls = group.counter("crawler_urls_host_given_up_total");
        breakersOpened = group.counter("crawler_host_breakers_opened_total");
        budgetUnavailable = group.counter("crawler_budget_unavailable_total");
        group.gauge("crawler_hosts_active", (Gauge<Long>) activeHosts::getAsLong);
        group.gauge("crawler_queue_urls", (Gauge<Long>) queuedUrls::getAsLong);
    }

    /** The operator's group, where {@code DistinctUrls} adds a gauge per task ({@code crawler_task_distinct_urls}). */
    MetricGroup group() {
        return group;
    }

    /** Counts a pause of a host, labelled with what caused it. */
    void backoff(String cause) {
        backoffs.computeIfAbsent(cause, c -> group.addGroup("cause", c).counter("crawler_host_backoffs_total")).inc();
    }
}
