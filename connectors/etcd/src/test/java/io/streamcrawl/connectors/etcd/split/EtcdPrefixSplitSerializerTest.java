package io.streamcrawl.connectors.etcd.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EtcdPrefixSplitSerializerTest {
    private final EtcdPrefixSplitSerializer serializer = EtcdPrefixSplitSerializer.INSTANCE;

    @ParameterizedTest
    @ValueSource(longs = {EtcdPrefixSplit.NO_REVISION, 1L, 4711L, Long.MAX_VALUE})
    void roundTripsEveryRevision(long revision) throws IOException {
        EtcdPrefixSplit split = new EtcdPrefixSplit("/streamcrawl/tasks/", revision);

        EtcdPrefixSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(copy).isEqualTo(split);
        assertThat(copy.splitId()).isEqualTo(split.splitId());
    }

    @Test
    void roundTripsNonAsciiPrefix() throws IOException {
        EtcdPrefixSplit split = new EtcdPrefixSplit("/tâches/日本/", 42L);

        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(split))).isEqualTo(split);
    }

    /** Pins version 1's bytes: changing them breaks every savepoint written so far. */
    @Test
    void version1FormatIsStable() throws IOException {
        byte[] v1 = HexFormat.of().parseHex("000000032f742f000000000000002a");

        assertThat(serializer.deserialize(1, v1)).isEqualTo(new EtcdPrefixSplit("/t/", 42L));
        assertThat(serializer.serialize(new EtcdPrefixSplit("/t/", 42L))).isEqualTo(v1);
    }

    @Test
    void rejectsUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown version 99");
    }

    @Test
    void stateTurnsBackIntoSplitAtItsCurrentRevision() {
        EtcdPrefixSplitState state = new EtcdPrefixSplitState(EtcdPrefixSplit.unread("/p/"));
        state.setRevision(17L);

        assertThat(state.toSplit()).isEqualTo(new EtcdPrefixSplit("/p/", 17L));
    }

    @Test
    void splitForAnotherPrefixStartsOver() {
        EtcdPrefixSplit split = new EtcdPrefixSplit("/old/", 99L);

        assertThat(split.forPrefix("/old/")).isSameAs(split);
        assertThat(split.forPrefix("/new/")).isEqualTo(EtcdPrefixSplit.unread("/new/"));
    }
}
