package io.streamcrawl.job.frontier;

/**
 * What the schedulers know of one task, kept in broadcast state.
 *
 * @param specJson the last accepted spec, null while none has arrived
 * @param enabled whether the task's URLs may be released
 * @param deleted whether the spec was removed: its queued URLs are dropped
 * @param hostsJson the per-host controls of the URLFrontier API ({@code HostControls} as JSON), null for none
 */
public record TaskState(String specJson, boolean enabled, boolean deleted, String hostsJson) {
    public static final TaskState UNKNOWN = new TaskState(null, false, false, null);

    public TaskState(String specJson, boolean enabled, boolean deleted) {
        this(specJson, enabled, deleted, null);
    }
}
