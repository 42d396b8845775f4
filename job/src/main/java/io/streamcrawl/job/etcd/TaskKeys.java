package io.streamcrawl.job.etcd;

import java.util.Optional;

/**
 * The layout of the control keys in etcd under a root such as {@code /streamcrawl/}:
 * {@code tasks/<task>/spec|enabled|status|seeded|budget|hll|hosts}, {@code tasks/<task>/budget-marks/<subtask>},
 * and per crawl namespace (the
 * frontier's consumer group) {@code jobs/<crawl>/owner} and {@code jobs/<crawl>/workers/<taskmanager>/<subtask>}.
 */
public final class TaskKeys implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public static final String SPEC = "spec";
    public static final String ENABLED = "enabled";
    public static final String STATUS = "status";
    public static final String SEEDED = "seeded";
    public static final String BUDGET = "budget";
    public static final String HLL = "hll";
    /** Per-host controls set through the URLFrontier API ({@link HostControls}). */
    public static final String HOSTS = "hosts";
    /** The job fence's key under {@link #jobKey}. */
    public static final String OWNER = "owner";

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

    /**
     * The mark a scheduler subtask writes with each budget reservation, so that one whose answer
     * was lost can be found applied or not ({@link PageBudget}). A level below the task's leaves:
     * {@link #parse} and task listings skip it; deleting the task deletes it.
     */
    public String budgetMarkKey(String task, int subtask) {
        return key(task, "budget-marks/" + subtask);
    }

    /** A key of a crawl namespace, e.g. {@code /streamcrawl/jobs/<crawl>/owner}. */
    public String jobKey(String crawl, String leaf) {
        return root + "jobs/" + crawl + "/" + leaf;
    }

    /** The prefix of a crawl's worker registrations, e.g. {@code /streamcrawl/jobs/<crawl>/workers/}. */
    public String workersPrefix(String crawl) {
        return jobKey(crawl, "workers/");
    }

    /** A worker's key; a '/' in the TaskManager's id would add a level and becomes '_'. */
    public String workerKey(String crawl, String taskManager, int subtask) {
        return workersPrefix(crawl) + taskManager.replace('/', '_') + "/" + subtask;
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
