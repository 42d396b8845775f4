package io.streamcrawl.connectors.redis.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

class RedisStreamSplitSerializerTest {
    private final RedisStreamSplitSerializer serializer = RedisStreamSplitSerializer.INSTANCE;

    @Test
    void roundTripsASplitWithAPosition() throws IOException {
        RedisStreamSplit split = new RedisStreamSplit("streamcrawl:frontier:{3}", "1700000000000-42");

        RedisStreamSplit back = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(back).isEqualTo(split);
        assertThat(back.splitId()).isEqualTo("streamcrawl:frontier:{3}");
        assertThat(back.lastEmittedId()).contains("1700000000000-42");
    }

    @Test
    void roundTripsASplitWithoutAPosition() throws IOException {
        RedisStreamSplit split = RedisStreamSplit.of("s:é:ü");

        RedisStreamSplit back = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(back).isEqualTo(split);
        assertThat(back.lastEmittedId()).isEmpty();
    }

    @Test
    void version1BytesStayReadable() throws IOException {
        // writeUTF("s"), true, writeUTF("5-1"): the layout of version 1, pinned.
        byte[] v1 = {0, 1, 's', 1, 0, 3, '5', '-', '1'};

        assertThat(serializer.deserialize(1, v1)).isEqualTo(new RedisStreamSplit("s", "5-1"));
    }

    @Test
    void roundTripsTheClaimedIds() throws IOException {
        RedisStreamSplit split = new RedisStreamSplit("s", "9-0", List.of("12-0", "4-1", "4-0"));

        RedisStreamSplit back = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(back).isEqualTo(split);
        assertThat(back.claimedIds()).containsExactly("12-0", "4-0", "4-1");
    }

    @Test
    void version2BytesStayReadable() throws IOException {
        // writeUTF("s"), false, writeInt(1), writeUTF("4-0"): the layout of version 2, pinned.
        byte[] v2 = {0, 1, 's', 0, 0, 0, 0, 1, 0, 3, '4', '-', '0'};

        assertThat(serializer.deserialize(2, v2)).isEqualTo(new RedisStreamSplit("s", null, List.of("4-0")));
    }

    @Test
    void rejectsAnUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("99");
    }

    @Test
    void splitStateBecomesASplitWithTheLastEmittedId() {
        RedisStreamSplitState state = new RedisStreamSplitState(RedisStreamSplit.of("s"));
        state.setLastEmittedId("7-0");

        assertThat(state.toSplit()).isEqualTo(new RedisStreamSplit("s", "7-0"));
    }
}
