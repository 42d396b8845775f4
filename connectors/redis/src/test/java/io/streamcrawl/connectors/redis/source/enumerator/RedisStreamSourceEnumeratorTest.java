package io.streamcrawl.connectors.redis.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;

class RedisStreamSourceEnumeratorTest {
    private static final List<String> STREAMS = List.of("f:0", "f:1", "f:2", "f:3");

    @Test
    void assignsStreamIToReaderIModuloParallelismOnceItRegisters() throws Exception {
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamSourceEnumerator enumerator =
                    new RedisStreamSourceEnumerator(context, STREAMS, RedisStreamEnumState.empty());
            enumerator.start();
            assertThat(context.getSplitsAssignmentSequence()).isEmpty();

            register(context, enumerator, 1);
            register(context, enumerator, 0);

            assertThat(assigned(context))
                    .containsEntry(0, List.of(RedisStreamSplit.of("f:0"), RedisStreamSplit.of("f:2")))
                    .containsEntry(1, List.of(RedisStreamSplit.of("f:1"), RedisStreamSplit.of("f:3")));
            assertThat(enumerator.snapshotState(1))
                    .isEqualTo(new RedisStreamEnumState(Set.copyOf(STREAMS), List.of()));
        }
    }

    @Test
    void keepsSplitsOfUnregisteredReadersInItsState() throws Exception {
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamSourceEnumerator enumerator =
                    new RedisStreamSourceEnumerator(context, STREAMS, RedisStreamEnumState.empty());
            enumerator.start();
            register(context, enumerator, 0);

            assertThat(enumerator.snapshotState(1)).isEqualTo(new RedisStreamEnumState(
                    Set.of("f:0", "f:2"), List.of(RedisStreamSplit.of("f:1"), RedisStreamSplit.of("f:3"))));
        }
    }

    @Test
    void reassignsSplitsAddedBackWithTheirPosition() throws Exception {
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamSourceEnumerator enumerator =
                    new RedisStreamSourceEnumerator(context, STREAMS, RedisStreamEnumState.empty());
            enumerator.start();
            register(context, enumerator, 0);
            register(context, enumerator, 1);
            context.getSplitsAssignmentSequence().clear();

            context.unregisterReader(1);
            enumerator.addSplitsBack(List.of(new RedisStreamSplit("f:1", "3-0")), 1);
            assertThat(context.getSplitsAssignmentSequence()).isEmpty();
            register(context, enumerator, 1);

            assertThat(assigned(context)).containsOnly(Map.entry(1, List.of(new RedisStreamSplit("f:1", "3-0"))));
        }
    }

    @Test
    void afterARestoreAssignsOnlyStreamsNotAssignedBefore() throws Exception {
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamEnumState restored = new RedisStreamEnumState(Set.of("f:0", "f:1"), List.of());
            RedisStreamSourceEnumerator enumerator = new RedisStreamSourceEnumerator(context, STREAMS, restored);
            enumerator.start();
            register(context, enumerator, 0);
            register(context, enumerator, 1);

            assertThat(assigned(context))
                    .containsOnly(
                            Map.entry(0, List.of(RedisStreamSplit.of("f:2"))),
                            Map.entry(1, List.of(RedisStreamSplit.of("f:3"))));
        }
    }

    private static void register(
            MockSplitEnumeratorContext<RedisStreamSplit> context, RedisStreamSourceEnumerator enumerator, int subtask) {
        context.registerReader(new ReaderInfo(subtask, "localhost"));
        enumerator.addReader(subtask);
    }

    private static Map<Integer, List<RedisStreamSplit>> assigned(MockSplitEnumeratorContext<RedisStreamSplit> context) {
        Map<Integer, List<RedisStreamSplit>> all = new HashMap<>();
        for (SplitsAssignment<RedisStreamSplit> assignment : context.getSplitsAssignmentSequence()) {
            assignment.assignment().forEach((subtask, splits) ->
                    all.computeIfAbsent(subtask, k -> new ArrayList<>()).addAll(splits));
        }
        return all;
    }
}
