package io.streamcrawl.job.frontier;

import java.io.Serializable;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * What the scheduler's subtasks share beyond their keyed state: the page budgets they spend
 * ({@link PageGrants}) and the distinct-URL counts they add to ({@link UrlSketches}), with the
 * operator state that carries this subtask's part across checkpoints. The operator is given a
 * {@link Factory} and opens it in {@code initializeState}; the scheduler's parts only see the
 * two interfaces.
 */
interface TaskCoordination extends AutoCloseable {
    PageGrants grants();

    UrlSketches sketches();

    /** Writes this subtask's part to its operator state, on the checkpoint's snapshot. */
    void snapshot() throws Exception;

    /** A checkpoint completed: what it holds may be shared with the other subtasks. */
    void checkpointComplete();

    @Override
    void close();

    /** Opens the coordination of one subtask; travels with the operator, so it is serializable. */
    interface Factory extends Serializable {
        /** Binds to the operator state of {@code context} and restores from it. */
        TaskCoordination open(FunctionInitializationContext context, TaskInfo subtask, SchedulerMetrics metrics)
                throws Exception;
    }
}
