package io.streamcrawl.job.etcd;

import java.util.Optional;

/**
 * The layout of the control keys in etcd under a root such as {@code /streamcrawl/}:
 * {@code tasks/<task>/spec|enabled|status|seeded|budget|hll}.
 */
public final class TaskKeys implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public static final String SPEC = "spec";
    public static final String ENABLED = "enabled";
    public static final String STATUS = "status";
    public static final String SEEDED = "seeded";
    public static final String BUDGET = "budget";
    public static final String HLL = "hll";

    private final String root;

    public TaskKeys(String root) {
        this.root = root.endsWith("/") ? root : root + "/";
    }

    /** The prefix under which all tasks live, e.g. {@code /streamcrawl/tasks/}. */
    public String tasksPrefix() {
        return root + "tasks/";
    }

    public String key(String task, String leaf) {
        return tasksPrefix() + task + "/" + leaf;
    }

    /** A key split into its task and leaf. */
    public record TaskKey(String task, String leaf) {}

    /** The task and leaf of a key under {@link #tasksPrefix()}, if it is one. */
    public Optional<TaskKey> parse(String key) {
        if (!key.startsWith(tasksPrefix())) {
            return Optional.empty();
        }
        String rest = key.substring(tasksPrefix().length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new TaskKey(rest.substring(0, slash), rest.substring(slash + 1)));
    }
}
