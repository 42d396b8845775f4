package io.streamcrawl.job.frontier;

import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.PageBudget;
import io.streamcrawl.job.stats.DistinctUrls;

import io.etcd.jetcd.Client;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The job's {@link TaskCoordination}: page budgets reserved from etcd ({@link TaskBudgets} over
 * {@link PageBudget}) and distinct-URL sketches merged into etcd ({@link DistinctUrls}), over one
 * etcd client of the subtask.
 */
final class EtcdTaskCoordination implements TaskCoordination {
    private final Client etcd;
    private final TaskBudgets budgets;
    private final DistinctUrls distinctUrls;
    private final UrlSketches sketches;

    private EtcdTaskCoordination(Client etcd, TaskBudgets budgets, DistinctUrls distinctUrls) {
        this.etcd = etcd;
        this.budgets = budgets;
        this.distinctUrls = distinctUrls;
        this.sketches = distinctUrls::add;
    }

    /** Budgets are reserved from etcd at {@code control}, at most {@code budgetChunk} pages at a time. */
    record Factory(ControlPlane control, long budgetChunk) implements TaskCoordination.Factory {
        @Override
        public TaskCoordination open(FunctionInitializationContext context, TaskInfo subtask, SchedulerMetrics metrics)
                throws Exception {
            Client etcd = control.connect();
            TaskBudgets budgets = new TaskBudgets(
                    new PageBudget(new EtcdKv(etcd), control.keys(), budgetChunk, subtask.getIndexOfThisSubtask()),
                    subtask.getNumberOfParallelSubtasks(), metrics.budgetUnavailable);
            DistinctUrls distinctUrls = new DistinctUrls(new EtcdKv(etcd), control.keys(), metrics.group());
            EtcdTaskCoordination coordination = new EtcdTaskCoordination(etcd, budgets, distinctUrls);
            try {
                budgets.initialize(context, "host-scheduler-budgets");
                distinctUrls.initialize(context, "host-scheduler-distinct-urls");
            } catch (Exception e) {
                coordination.close();
                throw e;
            }
            return coordination;
        }
    }

    @Override
    public PageGrants grants() {
        return budgets;
    }

    @Override
    public UrlSketches sketches() {
        return sketches;
    }

    @Override
    public void snapshot() throws Exception {
        budgets.snapshot();
        distinctUrls.snapshot();
    }

    @Override
    public void checkpointComplete() {
        distinctUrls.mergeChanged();
    }

    @Override
    public void close() {
        distinctUrls.close();
        budgets.close();
        etcd.close();
    }
}
