package io.streamcrawl.job.frontier;

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
 * most once per scan interval, and puts the due ones back in their queues. Valid only for the key
 * the state is scoped to when called.
 */
final class HostRecrawl {
    private final MapState<UrlFingerprint, RecrawlEntry> entries;
    private final ValueState<Long> nextScanAt;
    private final long scanIntervalMs;

    HostRecrawl(MapState<UrlFingerprint, RecrawlEntry> entries, ValueState<Long> nextScanAt, long scanIntervalMs) {
        this.entries = entries;
        this.nextScanAt = nextScanAt;
        this.scanIntervalMs = scanIntervalMs;
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
