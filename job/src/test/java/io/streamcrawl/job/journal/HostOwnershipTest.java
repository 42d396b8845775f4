package io.streamcrawl.job.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;

import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A host belongs to exactly one subtask: the one whose key-group range holds the host's key group, as keyBy assigns it. */
class HostOwnershipTest {
    private static final int MAX_PARALLELISM = 128;
    private static final List<String> HOSTS = IntStream.range(0, 500).mapToObj(i -> "host" + i + ".example.org").toList();

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7})
    void ownsExactlyTheHostsOfItsKeyGroupRange(int parallelism) {
        for (String host : HOSTS) {
            List<Integer> owners = IntStream.range(0, parallelism)
                    .filter(subtask -> new HostOwnership(MAX_PARALLELISM, parallelism, subtask).test(host)).boxed().toList();
            assertThat(owners).as(host).hasSize(1);
            KeyGroupRange range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                    MAX_PARALLELISM, parallelism, owners.get(0));
            assertThat(range.contains(KeyGroupRangeAssignment.assignToKeyGroup(host, MAX_PARALLELISM))).as(host).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 2})
    void refusesASubtaskOutsideTheParallelism(int subtask) {
        assertThatThrownBy(() -> new HostOwnership(MAX_PARALLELISM, 2, subtask)).hasMessageContaining(Integer.toString(subtask));
    }
}
