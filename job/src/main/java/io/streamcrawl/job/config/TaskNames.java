package io.streamcrawl.job.config;

/** The names a task may have: they appear in etcd keys, stream fields and file paths. */
public final class TaskNames {
    private TaskNames() {}

    /** Whether a task name can be used in keys, stream fields and bucket paths. */
    public static boolean isValid(String task) {
        return task != null && task.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    }
}
