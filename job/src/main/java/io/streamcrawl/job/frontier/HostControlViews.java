package io.streamcrawl.job.frontier;

import io.streamcrawl.job.etcd.HostControls;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-host controls of the tasks ({@link HostControls}, set through the URLFrontier API and
 * carried in {@link TaskState#hostsJson()}), each task's parsed once per value: whether a host is
 * blocked and the spacing its releases keep.
 */
final class HostControlViews {
    private static final Logger LOG = LoggerFactory.getLogger(HostControlViews.class);

    private final ParsedPerTask<HostControls> parsed = new ParsedPerTask<>(HostControlViews::parse);

    /** Whether the task's URLs of {@code host} wait at {@code now}: blocked through BlockQueueUntil. */
    boolean blocked(String task, TaskState state, String host, long now) {
        return of(task, state).of(host).blockedUntil() > now;
    }

    /** The spacing of the host's releases for the task: set through SetDelay, else {@code specDelayMs}. */
    long delayMs(String task, TaskState state, String host, long specDelayMs) {
        Long delay = of(task, state).of(host).delayMs();
        return delay == null ? specDelayMs : delay;
    }

    private HostControls of(String task, TaskState state) {
        HostControls controls = parsed.of(task, state == null ? null : state.hostsJson());
        return controls == null ? HostControls.NONE : controls;
    }

    private static HostControls parse(String task, String json) {
        try {
            return HostControls.parse(json);
        } catch (IOException e) {
            // Someone wrote the key by hand: the hosts go on as the spec says rather than stop.
            LOG.warn("Task {}: unreadable host controls, ignored: {}", task, e.getMessage());
            return HostControls.NONE;
        }
    }
}
