package io.streamcrawl.connectors.redis.sink;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/**
 * Serializes the entries a sink writer holds at a checkpoint (normally none: the writer flushes
 * before each checkpoint). Version 1: the stream key, the number of fields, then each field name
 * and value; every string as an int length and its UTF-8 bytes (no 64 KB limit, unlike writeUTF).
 */
@Internal
public final class RedisStreamEntryStateSerializer extends AsyncSinkWriterStateSerializer<RedisStreamEntry> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    protected void serializeRequestToStream(RedisStreamEntry entry, DataOutputStream out) throws IOException {
        writeString(entry.stream(), out);
        out.writeInt(entry.fields().size());
        for (Map.Entry<String, String> field : entry.fields().entrySet()) {
            writeString(field.getKey(), out);
            writeString(field.getValue(), out);
        }
    }

    @Override
    protected RedisStreamEntry deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        String stream = readString(in);
        int count = in.readInt();
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            fields.put(readString(in), readString(in));
        }
        return new RedisStreamEntry(stream, fields);
    }

    private static void writeString(String s, DataOutputStream out) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
