package io.streamcrawl.job.frontier;

import org.apache.flink.api.common.state.ValueState;

/** A {@link ValueState} of one key in memory, for unit tests of the scheduler's parts without Flink's runtime. */
final class MemoryValueState<T> implements ValueState<T> {
    private T value;

    @Override
    public T value() {
        return value;
    }

    @Override
    public void update(T newValue) {
        value = newValue;
    }

    @Override
    public void clear() {
        value = null;
    }
}
