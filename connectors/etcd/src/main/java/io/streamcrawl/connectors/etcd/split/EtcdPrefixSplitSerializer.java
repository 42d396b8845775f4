package io.streamcrawl.connectors.etcd.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Versioned serializer of {@link EtcdPrefixSplit}, the reader's checkpointed state.
 *
 * <p>Version 1: prefix as int length + UTF-8 bytes, then the revision as a long. A new version
 * adds a new decoder and keeps every old one, so old checkpoints and savepoints stay readable.
 */
@Internal
public final class EtcdPrefixSplitSerializer implements SimpleVersionedSerializer<EtcdPrefixSplit> {
    public static final EtcdPrefixSplitSerializer INSTANCE = new EtcdPrefixSplitSerializer();

    private static final int VERSION_1 = 1;
    private static final int CURRENT_VERSION = VERSION_1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(EtcdPrefixSplit split) throws IOException {
        byte[] prefix = split.prefix().getBytes(StandardCharsets.UTF_8);
        DataOutputSerializer out = new DataOutputSerializer(prefix.length + 12);
        out.writeInt(prefix.length);
        out.write(prefix);
        out.writeLong(split.revision());
        return out.getCopyOfBuffer();
    }

    @Override
    public EtcdPrefixSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version == VERSION_1) {
            return deserializeV1(serialized);
        }
        throw new IOException("unknown version " + version + " of an etcd prefix split (this build knows 1.."
                + CURRENT_VERSION + ")");
    }

    private static EtcdPrefixSplit deserializeV1(byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        byte[] prefix = new byte[in.readInt()];
        in.readFully(prefix);
        long revision = in.readLong();
        if (in.available() != 0) {
            throw new IOException("etcd prefix split v1 has " + in.available() + " trailing bytes");
        }
        return new EtcdPrefixSplit(new String(prefix, StandardCharsets.UTF_8), revision);
    }
}
