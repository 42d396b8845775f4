package io.streamcrawl.connectors.etcd.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Versioned serializer of {@link EtcdPrefixSplit}, the reader's checkpointed state. A new version
 * adds a new decoder and keeps every old one, so old checkpoints and savepoints stay readable.
 *
 * <p>Version 1: prefix as int length + UTF-8 bytes, then the revision as a long. It read as a
 * split that knows no keys: after a compaction such a split emits no DELETE for keys deleted in
 * the lost history, as this connector did before version 2.
 *
 * <p>Version 2: version 1's fields, then the number of known keys (int) and per key, in key
 * order, the key as int length + UTF-8 bytes and its mod revision as a long.
 */
@Internal
public final class EtcdPrefixSplitSerializer implements SimpleVersionedSerializer<EtcdPrefixSplit> {
    public static final EtcdPrefixSplitSerializer INSTANCE = new EtcdPrefixSplitSerializer();

    private static final int VERSION_1 = 1;
    private static final int VERSION_2 = 2;
    private static final int CURRENT_VERSION = VERSION_2;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(EtcdPrefixSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64 + 32 * split.knownKeys().size());
        writeString(out, split.prefix());
        out.writeLong(split.revision());
        out.writeInt(split.knownKeys().size());
        for (Map.Entry<String, Long> known : split.knownKeys().entrySet()) {
            writeString(out, known.getKey());
            out.writeLong(known.getValue());
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public EtcdPrefixSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1 && version != VERSION_2) {
            throw new IOException("unknown version " + version + " of an etcd prefix split (this build knows 1.."
                    + CURRENT_VERSION + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        String prefix = readString(in);
        long revision = in.readLong();
        Map<String, Long> knownKeys = new TreeMap<>();
        if (version == VERSION_2) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                knownKeys.put(readString(in), in.readLong());
            }
        }
        if (in.available() != 0) {
            throw new IOException("etcd prefix split v" + version + " has " + in.available() + " trailing bytes");
        }
        return new EtcdPrefixSplit(prefix, revision, knownKeys);
    }

    private static void writeString(DataOutputSerializer out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputDeserializer in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
