package io.streamcrawl.job.model;

/**
 * A change of one task's control keys, broadcast to every host scheduler.
 *
 * @param specJson the accepted spec's JSON for {@link Kind#SPEC}, else null
 * @param enabled the flag for {@link Kind#ENABLED}, else false
 * @param hostsJson the task's host controls ({@code HostControls} as JSON) for {@link Kind#HOSTS}; null when removed
 */
public record TaskEvent(String task, Kind kind, String specJson, boolean enabled, String hostsJson) {
    /** What changed. */
    public enum Kind {
        /** A valid spec was written. */
        SPEC,
        /** The enabled flag was written or removed (removed means disabled). */
        ENABLED,
        /** The spec was removed: the task is gone and its queued URLs are dropped. */
        DELETED,
        /** The per-host controls set through the URLFrontier API were written or removed. */
        HOSTS
    }

    public static TaskEvent spec(String task, String specJson) {
        return new TaskEvent(task, Kind.SPEC, specJson, false, null);
    }

    public static TaskEvent enabled(String task, boolean enabled) {
        return new TaskEvent(task, Kind.ENABLED, null, enabled, null);
    }

    public static TaskEvent deleted(String task) {
        return new TaskEvent(task, Kind.DELETED, null, false, null);
    }

    public static TaskEvent hosts(String task, String hostsJson) {
        return new TaskEvent(task, Kind.HOSTS, null, false, hostsJson);
    }
}
