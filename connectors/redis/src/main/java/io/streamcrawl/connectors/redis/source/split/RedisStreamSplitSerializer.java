package io.streamcrawl.connectors.redis.source.split;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Serializes {@link RedisStreamSplit}s into checkpoints and savepoints.
 *
 * <p>Version 1: stream key (modified UTF-8), a presence flag, then the last emitted ID. Version 2
 * adds the number of claimed IDs and each of them. A new layout gets a new version; the decoder
 * of every old version stays.
 */
@Internal
public final class RedisStreamSplitSerializer implements SimpleVersionedSerializer<RedisStreamSplit> {
    public static final RedisStreamSplitSerializer INSTANCE = new RedisStreamSplitSerializer();

    private static final int VERSION_1 = 1;
    private static final int VERSION_2 = 2;
    private static final int CURRENT_VERSION = VERSION_2;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(RedisStreamSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(32 + split.stream().length());
        out.writeUTF(split.stream());
        out.writeBoolean(split.lastEmittedId().isPresent());
        if (split.lastEmittedId().isPresent()) {
            out.writeUTF(split.lastEmittedId().get());
        }
        out.writeInt(split.claimedIds().size());
        for (String id : split.claimedIds()) {
            out.writeUTF(id);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public RedisStreamSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version == VERSION_1 || version == VERSION_2) {
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            String stream = in.readUTF();
            String lastEmittedId = in.readBoolean() ? in.readUTF() : null;
            List<String> claimedIds = new ArrayList<>();
            if (version == VERSION_2) {
                for (int i = in.readInt(); i > 0; i--) {
                    claimedIds.add(in.readUTF());
                }
            }
            return new RedisStreamSplit(stream, lastEmittedId, claimedIds);
        }
        throw new IOException("unknown RedisStreamSplit serializer version " + version
                + " (this build reads versions up to " + CURRENT_VERSION + ")");
    }
}
