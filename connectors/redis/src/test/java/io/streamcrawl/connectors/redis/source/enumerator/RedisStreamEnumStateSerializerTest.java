package io.streamcrawl.connectors.redis.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplitSerializer;

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

    /** Pins version 1's layout around the embedded split bytes: changing it breaks every savepoint. */
    @Test
    void version1LayoutIsStable() throws IOException {
        RedisStreamSplit split = new RedisStreamSplit("f:3", "9-9");
        byte[] splitBytes = RedisStreamSplitSerializer.INSTANCE.serialize(split);
        DataOutputSerializer v1 = new DataOutputSerializer(64);
        v1.writeInt(1);
        v1.writeUTF("f:0");
        v1.writeInt(1);
        v1.writeInt(RedisStreamSplitSerializer.INSTANCE.getVersion());
        v1.writeInt(splitBytes.length);
        v1.write(splitBytes);
        RedisStreamEnumState state = new RedisStreamEnumState(Set.of("f:0"), List.of(split));

        assertThat(serializer.serialize(state)).isEqualTo(v1.getCopyOfBuffer());
        assertThat(serializer.deserialize(1, v1.getCopyOfBuffer())).isEqualTo(state);
    }

    @Test
    void rejectsAnUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[8])).isInstanceOf(IOException.class);
    }
}
