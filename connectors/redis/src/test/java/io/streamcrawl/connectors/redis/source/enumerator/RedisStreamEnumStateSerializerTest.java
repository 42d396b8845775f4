package io.streamcrawl.connectors.redis.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;

class RedisStreamEnumStateSerializerTest {
    private final RedisStreamEnumStateSerializer serializer = new RedisStreamEnumStateSerializer();

    @Test
    void roundTripsAssignedStreamsAndUnassignedSplits() throws IOException {
        RedisStreamEnumState state = new RedisStreamEnumState(
                Set.of("f:0", "f:1"), List.of(RedisStreamSplit.of("f:2"), new RedisStreamSplit("f:3", "9-9")));

        RedisStreamEnumState back = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(back).isEqualTo(state);
        assertThat(back.unassignedSplits()).containsExactly(RedisStreamSplit.of("f:2"), new RedisStreamSplit("f:3", "9-9"));
    }

    @Test
    void roundTripsTheEmptyState() throws IOException {
        assertThat(serializer.deserialize(1, serializer.serialize(RedisStreamEnumState.empty())))
                .isEqualTo(RedisStreamEnumState.empty());
    }

    @Test
    void rejectsAnUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[8])).isInstanceOf(IOException.class);
    }
}
