package io.streamcrawl.job.model;

/**
 * A change of one task's control keys, broadcast to every host scheduler.
 *
 * @param specJson the accepted spec's JSON for {@link Kind#SPEC}, else null
 * @param enabled the flag for {@link Kind#ENABLED}, else false
 */
public record TaskEvent(String task, Kind kind, String specJson, boolean enabled) {
    /** What changed. */
    public enum Kind {
        /** A valid spec was written. */
        SPEC,
        /** The enabled flag was written or removed (removed means disabled). */
        ENABLED,
        /** The spec was removed: the task is gone and its queued URLs are dropped. */
        DELETED
    }

    public static TaskEvent spec(String task, String specJson) {
        return new TaskEvent(task, Kind.SPEC, specJson, false);
    }

    public static TaskEvent enabled(String task, boolean enabled) {
        return new TaskEvent(task, Kind.ENABLED, null, enabled);
    }

    public static TaskEvent deleted(String task) {
        return new TaskEvent(task, Kind.DELETED, null, false);
    }
}
