package io.streamcrawl.job.frontier;

/**
 * The page budgets of tasks with {@code maxPages} as the scheduler sees them: a grant of pages
 * to spend, shared by all subtasks (the job's implementation is {@link TaskBudgets}, over etcd).
 * Called on the operator thread only.
 */
interface PageGrants {
    /**
     * Whether {@link #take} can answer for the task now; false means "no grant now" (the budget's
     * store is slow or unreachable): the task's URLs stay queued and the caller asks again later.
     */
    boolean hasGrant(String task, long maxPages);

    /** Spends one page of the task's budget; false when it is spent (maxPages 0 is unlimited). */
    boolean take(String task, long maxPages);

    /** Gives back a page whose fetch did not happen. */
    void refund(String task);

    /** Forgets a deleted task: a task put again under its name starts with a new budget. */
    void forget(String task);
}
