package io.streamcrawl.job.frontier;

import io.streamcrawl.job.control.PageBudget;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * One subtask's share of the page budgets of tasks with {@code maxPages}: pages reserved from
 * {@link PageBudget} and not spent yet, kept as operator state (on rescaling the grants are
 * spread over the new subtasks, which keeps their sum). Pages reserved after the last completed
 * checkpoint are not in the restored state, so a failure can leave part of a budget unspent; it
 * can never be exceeded.
 */
public final class TaskBudgets {
    /** The unspent pages of one task, the element type of the operator state. */
    public record Grant(String task, long pages) {}

    private final Map<String, Long> unspent = new HashMap<>();
    /** Tasks whose budget is spent, with the maxPages it was spent at: a raised maxPages reopens it. */
    private final Map<String, Long> spent = new HashMap<>();
    private final PageBudget budget;
    private final int parallelism;
    private ListState<Grant> state;

    public TaskBudgets(PageBudget budget, int parallelism) {
        this.budget = budget;
        this.parallelism = parallelism;
    }

    /** Spends one page of the task's budget; false when it is spent (maxPages 0 is unlimited). */
    public boolean take(String task, long maxPages) {
        if (maxPages <= 0) {
            return true;
        }
        long pages = unspent.getOrDefault(task, 0L);
        if (pages == 0) {
            if (spent.getOrDefault(task, -1L) == maxPages) {
                return false;
            }
            pages = budget.reserve(task, maxPages, parallelism);
            if (pages == 0) {
                spent.put(task, maxPages);
                budget.reportExhausted(task, maxPages);
                return false;
            }
        }
        unspent.put(task, pages - 1);
        return true;
    }

    /** Gives back a page whose fetch did not happen (the fetcher deferred it: it comes back to be released again). */
    public void refund(String task) {
        unspent.computeIfPresent(task, (t, pages) -> pages + 1);
    }

    /** Forgets a deleted task: a task put again under its name starts with a new budget. */
    public void forget(String task) {
        unspent.remove(task);
        spent.remove(task);
    }

    /** Binds to the operator state {@code name} and restores from it. */
    public void initialize(FunctionInitializationContext context, String name) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(name, Grant.class));
        if (context.isRestored()) {
            for (Grant grant : state.get()) {
                unspent.merge(grant.task(), grant.pages(), Long::sum);
            }
        }
    }

    public void snapshot() throws Exception {
        List<Grant> grants = new ArrayList<>();
        unspent.forEach((task, pages) -> grants.add(new Grant(task, pages)));
        state.update(grants);
    }
}
