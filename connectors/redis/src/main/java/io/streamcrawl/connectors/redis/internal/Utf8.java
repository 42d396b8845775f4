package io.streamcrawl.connectors.redis.internal;

import java.util.Map;

import org.apache.flink.annotation.Internal;

/** Counts UTF-8 bytes without encoding: the byte metrics of the source and the sink. */
@Internal
public final class Utf8 {
    private Utf8() {}

    /** The UTF-8 bytes of a stream entry's field names and values. */
    public static long length(Map<String, String> fields) {
        long bytes = 0;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            bytes += length(field.getKey()) + length(field.getValue());
        }
        return bytes;
    }

    public static int length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
