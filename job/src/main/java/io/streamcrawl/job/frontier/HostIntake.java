package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.url.UrlFingerprint;

/**
 * What the scheduler does with a frontier entry of its host: a new URL is queued once per task
 * (a duplicate is counted and dropped); a retry that answers its URL's latest release
 * ({@link HostSeen#takeBack}) is taken back, its release undone, and goes to the front of its
 * queue when deferred or to the host's retries when its fetch failed; a robots entry answers a
 * robots.txt request; what each fetch told about the host paces it ({@link HostPacing}); and what
 * a recrawling task's fetch found updates its URL's recrawl plan ({@link HostRecrawl#captured}).
 */
final class HostIntake {
    private final HostParts host;
    private final PageGrants grants;
    private final UrlSketches sketches;
    private final TaskCounters counters;
    private final HostsBackingOff backingOff;
    private final BackoffSettings backoff;
    private final SchedulerMetrics metrics;
    private final TaskViews views;

    HostIntake(HostParts host, TaskViews views, PageGrants grants, UrlSketches sketches, TaskCounters counters,
            HostsBackingOff backingOff, BackoffSettings backoff, SchedulerMetrics metrics) {
        this.host = host;
        this.views = views;
        this.grants = grants;
        this.sketches = sketches;
        this.counters = counters;
        this.backingOff = backingOff;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /**
     * Takes an entry of {@code hostName} at {@code now}; returns whether the host's timer must be
     * set again (not after a duplicate, which changes nothing).
     */
    boolean accept(String hostName, FrontierEntry entry, HostReleases.Tasks tasks, long now) throws Exception {
        switch (entry.kind()) {
            case URL, SITEMAP -> {
                if (entry.retry()) {
                    takeBack(hostName, entry, now);
                    return true;
                }
                UrlFingerprint url = entry.fingerprint();
                if (!host.seen().firstSeen(url, now)) {
                    metrics.duplicateUrls.inc();
                    return hinted(entry, tasks, now);
                }
                host.backlog().push(QueuedUrl.of(entry));
                metrics.newUrls.inc();
                sketches.add(entry.task(), url.high());
                hinted(entry, tasks, now);
            }
            case ROBOTS -> {
                host.robots().answer(entry.url(), entry.feedback(), now);
                host.pacing().apply(hostName, entry.feedback(), entry.fingerprint().high(), now);
            }
            case HOST -> applyFeedback(hostName, entry, now);
            case CAPTURE -> {
                TaskView view = views.of(entry.task(), tasks.get(entry.task()));
                if (view == null || !view.recrawl().recrawls() || entry.feedback().validators() == null) {
                    return false;
                }
                host.recrawl().captured(entry.fingerprint(), entry.feedback().validators(), view.recrawl(),
                        entry.feedback().releasedAt() > 0 ? entry.feedback().releasedAt() : now);
            }
        }
        return true;
    }

    /**
     * Applies what a sitemap said of the entry's URL to its recrawl plan, if its task recrawls;
     * returns whether its due time moved.
     */
    private boolean hinted(FrontierEntry entry, HostReleases.Tasks tasks, long now) throws Exception {
        if (entry.change() == null) {
            return false;
        }
        TaskView view = views.of(entry.task(), tasks.get(entry.task()));
        return view != null && view.recrawl().recrawls()
                && host.recrawl().hinted(entry.fingerprint(), entry.change(), view.recrawl(), now);
    }

    /** A retry comes back: queued again if it answers its URL's latest release, else only its feedback counts. */
    private void takeBack(String hostName, FrontierEntry retry, long now) throws Exception {
        if (!host.seen().takeBack(retry.fingerprint(), retry.release(), now)) {
            metrics.staleRetries.inc();
            applyFeedback(hostName, retry, now);
            return;
        }
        // It was counted as released (and, unless a sitemap, against the host's page cap and the
        // task's budget: see HostReleases#release); now it is queued again.
        counters.add(retry.task(), TaskCounters.RELEASED, -1);
        if (retry.kind() != EntryKind.SITEMAP) {
            grants.refund(retry.task());
            host.caps().giveBack(retry.task());
        }
        if (failedFetch(retry)) {
            host.backlog().awaitRetry(QueuedUrl.of(retry),
                    now + backoff.retryDelayMs(retry.attempt(), retry.feedback().retryAfterMs()));
        } else {
            host.backlog().pushFront(QueuedUrl.of(retry));
        }
        metrics.requeuedUrls.inc();
        applyFeedback(hostName, retry, now);
    }

    /** Applies what a fetch told about the host, and shows the host as backing off for the entry's task while its breaker is open. */
    private void applyFeedback(String hostName, FrontierEntry entry, long now) throws Exception {
        boolean wasOpen = host.pacing().openUntil() != null;
        host.pacing().apply(hostName, entry.feedback(), entry.fingerprint().high(), now);
        Long until = host.pacing().openUntil();
        if (until != null) {
            backingOff.pausedUntil(entry.task(), hostName, until);
        } else if (wasOpen) {
            backingOff.ended(entry.task(), hostName);
        }
    }

    /** Whether a retry entry comes back from a failed fetch (not from a deferral, which goes to the front of its queue). */
    private static boolean failedFetch(FrontierEntry retry) {
        HostSignal signal = retry.feedback() == null ? null : retry.feedback().signal();
        return signal == HostSignal.FAILED || signal == HostSignal.URL_FAILED;
    }
}
