package io.streamcrawl.job.control;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Holds the {@link JobFence} while the job runs; the task control events pass through it, so no
 * task is known to the schedulers before the fence is held. Runs with parallelism 1.
 *
 * <p>Another job holding the namespace fails this job without restarts (a restart could not help),
 * with the fence's message as the root cause in the web UI. A job that lost its lease to another
 * job stops too: at its next Redis command (the stream fence), and at the next checkpoint here.
 */
public final class JobFenceFunction extends ProcessFunction<EtcdKeyEvent, EtcdKeyEvent> implements CheckpointedFunction {
    private final JobFence fence;
    private transient JobFence.Holder holder;

    public JobFenceFunction(JobFence fence) {
        this.fence = fence;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // No state: the fence lives in etcd. CheckpointedFunction only for the check in snapshotState.
    }

    @Override
    public void open(OpenContext openContext) {
        try {
            holder = fence.hold(getRuntimeContext().getJobInfo().getJobId().toString());
        } catch (JobFence.FenceHeldException e) {
            throw new SuppressRestartsException(e);
        }
    }

    @Override
    public void processElement(EtcdKeyEvent event, Context ctx, Collector<EtcdKeyEvent> out) {
        out.collect(event);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        holder.verify();
    }

    @Override
    public void close() {
        if (holder != null) {
            holder.close();
        }
    }
}
