package io.streamcrawl.connectors.etcd.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import java.util.List;

import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

class EtcdSourceEnumeratorTest {
    private static final EtcdPrefixSplit SPLIT = EtcdPrefixSplit.unread("/streamcrawl/tasks/");

    private final TestingSplitEnumeratorContext<EtcdPrefixSplit> context = new TestingSplitEnumeratorContext<>(3);

    @Test
    void firstRegisteredReaderGetsTheSplitAndEveryReaderHearsNoMoreSplits() {
        EtcdSourceEnumerator enumerator = new EtcdSourceEnumerator(context, SPLIT);
        enumerator.start();

        register(enumerator, 2);
        register(enumerator, 0);
        register(enumerator, 1);

        assertThat(context.getSplitAssignments().get(2).getAssignedSplits()).containsExactly(SPLIT);
        assertThat(context.getSplitAssignments().get(0).getAssignedSplits()).isEmpty();
        assertThat(context.getSplitAssignments().get(1).getAssignedSplits()).isEmpty();
        assertThat(context.getSplitAssignments().values())
                .allSatisfy(state -> assertThat(state.hasReceivedNoMoreSplitsSignal()).isTrue());
        assertThat(enumerator.snapshotState(1L).unassignedSplit()).isNull();
    }

    @Test
    void splitHandedBackWaitsForTheNextRegistrationWithItsPosition() {
        EtcdSourceEnumerator enumerator = new EtcdSourceEnumerator(context, SPLIT);
        register(enumerator, 0);
        register(enumerator, 1);
        EtcdPrefixSplit checkpointed = new EtcdPrefixSplit(SPLIT.prefix(), 57L);

        enumerator.addSplitsBack(List.of(checkpointed), 0);

        assertThat(enumerator.snapshotState(2L).unassignedSplit()).isEqualTo(checkpointed);
        enumerator.addReader(0); // the restarted attempt of subtask 0 registers again
        assertThat(context.getSplitAssignments().get(0).getAssignedSplits()).containsExactly(SPLIT, checkpointed);
        assertThat(enumerator.snapshotState(3L).unassignedSplit()).isNull();
    }

    @Test
    void restoredEnumeratorWhoseSplitIsOwnedAssignsNothing() {
        EtcdSourceEnumerator enumerator = new EtcdSourceEnumerator(context, null);

        register(enumerator, 0);
        register(enumerator, 1);

        assertThat(context.getSplitAssignments().values())
                .allSatisfy(state -> {
                    assertThat(state.getAssignedSplits()).isEmpty();
                    assertThat(state.hasReceivedNoMoreSplitsSignal()).isTrue();
                });
    }

    private void register(EtcdSourceEnumerator enumerator, int subtask) {
        context.registerReader(subtask, "localhost");
        enumerator.addReader(subtask);
    }
}
