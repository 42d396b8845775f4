package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.ChangeHint;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.url.UrlFingerprint;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The current host's fetched URLs of tasks with a recrawl interval, each with its next fetch time,
 * in keyed state. No timer per URL: the host's one timer scans them when the earliest is due, at
 * most once per scan interval, and puts the due ones back in their queues. Each URL's
 * {@link RecrawlPlan} (the validators its last fetch left, the interval it came back after) is
 * kept apart, as it must outlive the entry while the URL waits in its queue: the release reads it,
 * and what the fetch found ({@link io.streamcrawl.job.model.EntryKind#CAPTURE}) updates it and
 * moves the URL's due time. Valid only for the key the state is scoped to when called.
 */
final class HostRecrawl {
    private final MapState<UrlFingerprint, RecrawlEntry> entries;
    private final MapState<UrlFingerprint, RecrawlPlan> plans;
    private final ValueState<Long> nextScanAt;
    private final long scanIntervalMs;

    HostRecrawl(MapState<UrlFingerprint, RecrawlEntry> entries, MapState<UrlFingerprint, RecrawlPlan> plans,
            ValueState<Long> nextScanAt, long scanIntervalMs) {
        this.entries = entries;
        this.plans = plans;
        this.nextScanAt = nextScanAt;
        this.scanIntervalMs = scanIntervalMs;
    }

    /**
     * A URL of a task with {@code interval} is released at {@code now}: it comes back after the
     * interval of its plan (the start for a first fetch). Returns what its request needs of its
     * earlier fetches.
     */
    PageValidators released(QueuedUrl entry, RecrawlInterval interval, long now) throws Exception {
        UrlFingerprint fingerprint = entry.fingerprint();
        RecrawlPlan plan = plans.get(fingerprint);
        schedule(fingerprint, entry.recrawl(), now + interval.within(plan == null ? 0 : plan.intervalMs()));
        return plan == null ? PageValidators.NONE : plan.validators();
    }

    /**
     * What the fetch of the URL released at {@code releasedAt} left for the next one: the page
     * changed when its last full capture moved. Its recrawl is due again after the interval
     * adapted to that.
     */
    void captured(UrlFingerprint fingerprint, PageValidators validators, RecrawlInterval interval, long releasedAt)
            throws Exception {
        RecrawlPlan last = plans.get(fingerprint);
        // After a first capture the interval is the plan's (a sitemap's changefreq) or the start.
        long intervalMs = last == null || !last.validators().captured()
                ? interval.within(last == null ? 0 : last.intervalMs())
                : interval.next(last.intervalMs(), last.validators().capturedAt() != validators.capturedAt());
        plans.put(fingerprint, new RecrawlPlan(validators, intervalMs));
        RecrawlEntry entry = entries.get(fingerprint);
        if (entry != null) {
            schedule(fingerprint, entry.url(), releasedAt + intervalMs);
        }
    }

    /**
     * What a sitemap says of a URL at {@code now}: a {@code <lastmod>} after its last capture
     * makes its recrawl due now; until a first capture, a {@code <changefreq>} becomes its
     * interval (within the task's bounds), counted from its last release; after it, the page's
     * own changes adapt the interval. Returns whether its due time moved.
     */
    boolean hinted(UrlFingerprint fingerprint, ChangeHint hint, RecrawlInterval interval, long now) throws Exception {
        RecrawlPlan plan = plans.get(fingerprint);
        RecrawlEntry entry = entries.get(fingerprint);
        if (hint.lastModified() > 0) {
            boolean changedSince = plan != null && plan.validators().captured()
                    && hint.lastModified() > plan.validators().capturedAt();
            if (!changedSince || entry == null || entry.dueAt() <= now) {
                return false;
            }
            schedule(fingerprint, entry.url(), now);
            return true;
        }
        if (plan != null && plan.validators().captured()) {
            return false;
        }
        long lastMs = interval.within(plan == null ? 0 : plan.intervalMs());
        long intervalMs = interval.within(hint.changeEveryMs());
        plans.put(fingerprint, new RecrawlPlan(plan == null ? PageValidators.NONE : plan.validators(), intervalMs));
        if (entry == null || intervalMs == lastMs) {
            return false;
        }
        schedule(fingerprint, entry.url(), entry.dueAt() - lastMs + intervalMs);
        return true;
    }

    /** Forgets the plan of a URL that is not recrawled any more. */
    void forget(UrlFingerprint fingerprint) throws Exception {
        plans.remove(fingerprint);
    }

    /** Fetches the URL again at {@code dueAt} (replacing an earlier plan for it). */
    void schedule(UrlFingerprint fingerprint, QueuedUrl entry, long dueAt) throws Exception {
        entries.put(fingerprint, new RecrawlEntry(dueAt, entry));
        Long next = nextScanAt.value();
        if (next == null || dueAt < next) {
            nextScanAt.update(dueAt);
        }
    }

    /** When the host's timer must scan next; null when no URL waits for a recrawl. */
    Long nextScanAt() throws Exception {
        return nextScanAt.value();
    }

    /** Whether a scan is due at {@code now}. */
    boolean scanDue(long now) throws Exception {
        Long next = nextScanAt.value();
        return next != null && now >= next;
    }

    /** Removes and returns the entries due at {@code now}, when a scan is due. */
    List<QueuedUrl> takeDue(long now) throws Exception {
        if (!scanDue(now)) {
            return List.of();
        }
        List<QueuedUrl> due = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        Iterator<Map.Entry<UrlFingerprint, RecrawlEntry>> it = entries.iterator();
        while (it.hasNext()) {
            RecrawlEntry entry = it.next().getValue();
            if (entry.dueAt() <= now) {
                due.add(entry.url());
                it.remove();
            } else {
                earliest = Math.min(earliest, entry.dueAt());
            }
        }
        if (earliest == Long.MAX_VALUE) {
            nextScanAt.clear();
        } else {
            nextScanAt.update(Math.max(earliest, now + scanIntervalMs));
        }
        return due;
    }
}
