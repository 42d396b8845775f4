package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchResult;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The fetcher's metrics: responses per status class, failed fetches, deferred requests (not
 * fetched: their host was busy, or their body did not fit the fetcher's bound), requests the SSRF
 * guard refused, requests not fetched again because their page was recorded before a failure, fetch latency (ms), and the response body bytes being read.
 * Thread-safe: results are recorded on okhttp's dispatcher threads.
 */
final class FetchMetrics {
    static final String STATUS_2XX = "crawler_http_status_2xx_total";
    static final String STATUS_3XX = "crawler_http_status_3xx_total";
    static final String STATUS_4XX = "crawler_http_status_4xx_total";
    static final String STATUS_5XX = "crawler_http_status_5xx_total";
    static final String STATUS_OTHER = "crawler_http_status_other_total";
    static final String ERRORS = "crawler_fetch_errors_total";
    static final String LATENCY = "crawler_fetch_latency";
    static final String DEFERRED = "crawler_fetch_deferred_total";
    static final String REFUSED = "crawler_fetch_refused_total";
    static final String RECORDED = "crawler_fetch_recorded_total";
    static final String BODY_BYTES_DEFERRED = "crawler_fetch_deferred_body_bytes_total";
    static final String BODY_BYTES_IN_FLIGHT = "crawler_fetch_body_bytes_in_flight";
    private static final int LATENCY_WINDOW = 1000;

    private final Counter status2xx;
    private final Counter status3xx;
    private final Counter status4xx;
    private final Counter status5xx;
    private final Counter statusOther;
    private final Counter errors;
    private final Counter deferred;
    private final Counter refused;
    private final Counter recorded;
    private final Counter bodyBytesDeferred;
    private final Histogram latency;

    FetchMetrics(MetricGroup group, BodyBytesBudget bodyBytes) {
        status2xx = group.counter(STATUS_2XX, new ThreadSafeSimpleCounter());
        status3xx = group.counter(STATUS_3XX, new ThreadSafeSimpleCounter());
        status4xx = group.counter(STATUS_4XX, new ThreadSafeSimpleCounter());
        status5xx = group.counter(STATUS_5XX, new ThreadSafeSimpleCounter());
        statusOther = group.counter(STATUS_OTHER, new ThreadSafeSimpleCounter());
        errors = group.counter(ERRORS, new ThreadSafeSimpleCounter());
        deferred = group.counter(DEFERRED, new ThreadSafeSimpleCounter());
        refused = group.counter(REFUSED, new ThreadSafeSimpleCounter());
        recorded = group.counter(RECORDED, new ThreadSafeSimpleCounter());
        bodyBytesDeferred = group.counter(BODY_BYTES_DEFERRED, new ThreadSafeSimpleCounter());
        group.gauge(BODY_BYTES_IN_FLIGHT, (Gauge<Long>) bodyBytes::held);
        // DescriptiveStatisticsHistogram synchronizes its updates.
        latency = group.histogram(LATENCY, new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    /** A response dropped unread because its body did not fit; {@link #record} counts it as deferred too. */
    void bodyBytesDeferred() {
        bodyBytesDeferred.inc();
    }

    void record(FetchResult result) {
        if (result.failure() == FetchFailure.DEFERRED) {
            deferred.inc();
            return;
        }
        if (result.failure() == FetchFailure.REFUSED) {
            refused.inc();
            return;
        }
        if (result.failure() == FetchFailure.RECORDED) {
            recorded.inc();
            return;
        }
        latency.update(result.fetchMs());
        int status = result.status();
        if (status == 0) {
            errors.inc();
        } else if (status >= 200 && status < 300) {
            status2xx.inc();
        } else if (status >= 300 && status < 400) {
            status3xx.inc();
        } else if (status >= 400 && status < 500) {
            status4xx.inc();
        } else if (status >= 500 && status < 600) {
            status5xx.inc();
        } else {
            statusOther.inc();
        }
    }
}
