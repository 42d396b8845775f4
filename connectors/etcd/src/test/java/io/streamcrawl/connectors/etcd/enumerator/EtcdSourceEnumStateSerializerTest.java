package io.streamcrawl.connectors.etcd.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import java.io.IOException;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class EtcdSourceEnumStateSerializerTest {
    private final EtcdSourceEnumStateSerializer serializer = EtcdSourceEnumStateSerializer.INSTANCE;

    @Test
    void roundTripsStateWithUnassignedSplit() throws IOException {
        EtcdSourceEnumState state = new EtcdSourceEnumState(new EtcdPrefixSplit("/streamcrawl/tasks/", 12L));

        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state))).isEqualTo(state);
    }

    @Test
    void roundTripsStateWithAssignedSplit() throws IOException {
        EtcdSourceEnumState state = new EtcdSourceEnumState(null);

        EtcdSourceEnumState copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(copy.unassignedSplit()).isNull();
    }

    /**
     * Pins version 1's bytes: changing them breaks every savepoint written so far. The embedded
     * split carries its own version, so a version 1 state holds version 1 and version 2 splits.
     */
    @Test
    void version1FormatIsStable() throws IOException {
        byte[] assigned = HexFormat.of().parseHex("00");
        byte[] withSplitV1 = HexFormat.of().parseHex("01" + "00000001" + "0000000f" + "000000032f742f000000000000002a");
        byte[] withSplitV2 = HexFormat.of().parseHex(
                "01" + "00000002" + "00000013" + "000000032f742f000000000000002a" + "00000000");

        assertThat(serializer.deserialize(1, assigned)).isEqualTo(new EtcdSourceEnumState(null));
        assertThat(serializer.deserialize(1, withSplitV1))
                .isEqualTo(new EtcdSourceEnumState(new EtcdPrefixSplit("/t/", 42L)));
        assertThat(serializer.deserialize(1, withSplitV2))
                .isEqualTo(new EtcdSourceEnumState(new EtcdPrefixSplit("/t/", 42L)));
        assertThat(serializer.serialize(new EtcdSourceEnumState(new EtcdPrefixSplit("/t/", 42L))))
                .isEqualTo(withSplitV2);
    }

    @Test
    void rejectsUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[] {0}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown version 2");
    }
}
