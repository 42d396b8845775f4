package io.streamcrawl.job.frontier;

/**
 * What the schedulers know of one task, kept in broadcast state.
 *
 * @param specJson the last accepted spec, null while none has arrived
 * @param enabled whether the task's URLs may be released
 * @param deleted whether the spec was removed: its queued URLs are dropped
 */
public record TaskState(String specJson, boolean enabled, boolean deleted) {
    public static final TaskState UNKNOWN = new TaskState(null, false, false);
}
