package io.streamcrawl.connectors.etcd.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;

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

    @Test
    void roundTripsKnownKeys() throws IOException {
        EtcdPrefixSplit split = new EtcdPrefixSplit("/p/", 42L, Map.of("/p/b", 7L, "/p/a", 3L, "/p/é", 41L));

        EtcdPrefixSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(copy).isEqualTo(split);
        assertThat(copy.knownKeys()).containsExactly(entry("/p/a", 3L), entry("/p/b", 7L), entry("/p/é", 41L));
    }

    /** Version 1 (before known keys) still reads: a split at its revision that knows no key. */
    @Test
    void readsVersion1Bytes() throws IOException {
        byte[] v1 = HexFormat.of().parseHex("000000032f742f000000000000002a");

        EtcdPrefixSplit split = serializer.deserialize(1, v1);

        assertThat(split).isEqualTo(new EtcdPrefixSplit("/t/", 42L, Map.of()));
        assertThat(split.knownKeys()).isEmpty();
    }

    /** Pins version 2's bytes: changing them breaks every savepoint written so far. */
    @Test
    void version2FormatIsStable() throws IOException {
        byte[] v2 = HexFormat.of().parseHex("000000032f742f000000000000002a"
                + "00000001" + "000000042f742f61" + "0000000000000029");
        EtcdPrefixSplit split = new EtcdPrefixSplit("/t/", 42L, Map.of("/t/a", 41L));

        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(serializer.deserialize(2, v2)).isEqualTo(split);
        assertThat(serializer.serialize(split)).isEqualTo(v2);
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] v1WithMore = HexFormat.of().parseHex("000000032f742f000000000000002a" + "00000000");

        assertThatThrownBy(() -> serializer.deserialize(1, v1WithMore))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("4 trailing bytes");
    }

    @Test
    void rejectsUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown version 99");
    }

    @Test
    void stateTurnsBackIntoSplitAtItsCurrentRevisionWithItsKnownKeys() {
        EtcdPrefixSplitState state = new EtcdPrefixSplitState(new EtcdPrefixSplit("/p/", 5L, Map.of("/p/a", 2L)));
        state.keyPut("/p/b", 9L);
        state.keyPut("/p/a", 11L);
        state.keyDeleted("/p/b");
        state.setRevision(17L);

        assertThat(state.toSplit()).isEqualTo(new EtcdPrefixSplit("/p/", 17L, Map.of("/p/a", 11L)));
    }

    @Test
    void splitForAnotherPrefixStartsOver() {
        EtcdPrefixSplit split = new EtcdPrefixSplit("/old/", 99L, Map.of("/old/a", 98L));

        assertThat(split.forPrefix("/old/")).isSameAs(split);
        assertThat(split.forPrefix("/new/")).isEqualTo(EtcdPrefixSplit.unread("/new/"));
    }
}
