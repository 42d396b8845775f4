package io.streamcrawl.connectors.redis.source.enumerator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplitSerializer;

/**
 * Serializes {@link RedisStreamEnumState} into checkpoints and savepoints.
 *
 * <p>Version 1: the count and keys of the assigned streams (modified UTF-8), then the count of the
 * unassigned splits, each as its split serializer version, byte length and bytes (Flink's
 * {@link SimpleVersionedSerialization} layout). A new layout gets
 * a new version; the decoder of every old version stays.
 */
@Internal
public final class RedisStreamEnumStateSerializer implements SimpleVersionedSerializer<RedisStreamEnumState> {
    private static final int VERSION_1 = 1;
    private static final int CURRENT_VERSION = VERSION_1;

    private final RedisStreamSplitSerializer splitSerializer = RedisStreamSplitSerializer.INSTANCE;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(RedisStreamEnumState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(state.assignedStreams().size());
        for (String stream : state.assignedStreams()) {
            out.writeUTF(stream);
        }
        out.writeInt(state.unassignedSplits().size());
        for (RedisStreamSplit split : state.unassignedSplits()) {
            SimpleVersionedSerialization.writeVersionAndSerialize(splitSerializer, split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public RedisStreamEnumState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1) {
            throw new IOException("unknown RedisStreamEnumState serializer version " + version
                    + " (this build reads versions up to " + CURRENT_VERSION + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int assignedCount = in.readInt();
        Set<String> assigned = new LinkedHashSet<>();
        for (int i = 0; i < assignedCount; i++) {
            assigned.add(in.readUTF());
        }
        int unassignedCount = in.readInt();
        List<RedisStreamSplit> unassigned = new ArrayList<>(unassignedCount);
        for (int i = 0; i < unassignedCount; i++) {
            unassigned.add(SimpleVersionedSerialization.readVersionAndDeSerialize(splitSerializer, in));
        }
        return new RedisStreamEnumState(assigned, unassigned);
    }
}
