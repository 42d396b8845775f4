package io.streamcrawl.job.frontier;

import org.apache.flink.api.common.state.MapState;

/**
 * The pages each task has released to the current host (and not taken back by a retry), in keyed
 * state, kept only for tasks with a {@code maxPagesPerHost} cap. Valid only for the key the state
 * is scoped to when called.
 */
final class HostPageCaps {
    private final MapState<String, Long> released;

    HostPageCaps(MapState<String, Long> released) {
        this.released = released;
    }

    /** Whether the task has released its {@code cap} of pages to the host (0: no cap). */
    boolean reached(String task, long cap) throws Exception {
        return cap > 0 && pages(task) >= cap;
    }

    /** The task released one more page to the host; counted only under a cap. */
    void took(String task, long cap) throws Exception {
        if (cap > 0) {
            released.put(task, pages(task) + 1);
        }
    }

    /** A released page came back (a retry): it no longer counts against the cap. */
    void giveBack(String task) throws Exception {
        long pages = pages(task);
        if (pages > 0) {
            released.put(task, pages - 1);
        }
    }

    private long pages(String task) throws Exception {
        Long pages = released.get(task);
        return pages == null ? 0 : pages;
    }
}
