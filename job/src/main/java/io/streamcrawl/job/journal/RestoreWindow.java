package io.streamcrawl.job.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * When the pages written since the checkpoint a restore goes back to may begin: every subtask
 * keeps its wall-clock time of each checkpoint (union state, so a rescaled job knows all of
 * them), and a restore reads from the earliest less a clock-skew margin (the pages stream's IDs
 * carry Redis' clock, not the TaskManager's). Nothing is known when the state comes from a
 * build before this one: then no page counts as recorded.
 */
public final class RestoreWindow {
    private ListState<Long> checkpointTimes;
    /** The times kept in the checkpoint restored from; none on a fresh start. */
    private List<Long> restored = List.of();

    public void initialize(FunctionInitializationContext context, String name) throws Exception {
        checkpointTimes = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(name, Types.LONG));
        if (context.isRestored()) {
            List<Long> times = new ArrayList<>();
            checkpointTimes.get().forEach(times::add);
            restored = times;
        }
    }

    /** Keeps the time of the checkpoint being taken. */
    public void snapshot(long nowMillis) throws Exception {
        checkpointTimes.update(List.of(nowMillis));
    }

    /** The wall-clock time (ms) from which pages may be recorded since the restored checkpoint. */
    public OptionalLong start(Duration clockSkew) {
        return start(restored, clockSkew);
    }

    /** The latest of the subtasks' times of the checkpoint restored from; empty on a fresh start. */
    public OptionalLong end() {
        return restored.stream().mapToLong(Long::longValue).max();
    }

    /** The earliest of the subtasks' checkpoint times less {@code clockSkew}; empty when there are none. */
    static OptionalLong start(Iterable<Long> checkpointTimes, Duration clockSkew) {
        long earliest = Long.MAX_VALUE;
        for (Long time : checkpointTimes) {
            earliest = Math.min(earliest, time);
        }
        return earliest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest - clockSkew.toMillis());
    }
}
