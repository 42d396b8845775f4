package io.streamcrawl.connectors.etcd.enumerator;

import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/**
 * Versioned serializer of {@link EtcdSourceEnumState}.
 *
 * <p>Version 1: a boolean "has an unassigned split"; if true, the split serializer's version
 * (int), the length of the split's bytes (int) and the bytes (Flink's
 * {@link SimpleVersionedSerialization} layout). Embedding the split's own version lets the split
 * format evolve without a new version here. Old decoders are kept forever.
 */
@Internal
public final class EtcdSourceEnumStateSerializer implements SimpleVersionedSerializer<EtcdSourceEnumState> {
    public static final EtcdSourceEnumStateSerializer INSTANCE = new EtcdSourceEnumStateSerializer();

    private static final int VERSION_1 = 1;
    private static final int CURRENT_VERSION = VERSION_1;

    private final EtcdPrefixSplitSerializer splitSerializer = EtcdPrefixSplitSerializer.INSTANCE;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(EtcdSourceEnumState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        EtcdPrefixSplit split = state.unassignedSplit();
        out.writeBoolean(split != null);
        if (split != null) {
            SimpleVersionedSerialization.writeVersionAndSerialize(splitSerializer, split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public EtcdSourceEnumState deserialize(int version, byte[] serialized) throws IOException {
        if (version == VERSION_1) {
            return deserializeV1(serialized);
        }
        throw new IOException("unknown version " + version + " of an etcd source enumerator state (this build knows 1.."
                + CURRENT_VERSION + ")");
    }

    private EtcdSourceEnumState deserializeV1(byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        EtcdPrefixSplit split = null;
        if (in.readBoolean()) {
            split = SimpleVersionedSerialization.readVersionAndDeSerialize(splitSerializer, in);
        }
        if (in.available() != 0) {
            throw new IOException("etcd source enumerator state v1 has " + in.available() + " trailing bytes");
        }
        return new EtcdSourceEnumState(split);
    }
}
