package io.streamcrawl.connectors.redis.sink;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.flink.annotation.PublicEvolving;

/**
 * One entry to append with {@code XADD}: the stream key, chosen per record, and the field/value
 * pairs in the order given. Immutable; at least one field, no null keys or values. Serializable,
 * as the sink keeps the entries it has not written yet in its checkpoints ({@link
 * RedisStreamEntryStateSerializer}).
 */
@PublicEvolving
public record RedisStreamEntry(String stream, Map<String, String> fields) implements Serializable {
    public RedisStreamEntry {
        checkNotNull(stream, "stream");
        checkArgument(!stream.isEmpty(), "stream key must not be empty");
        checkNotNull(fields, "fields");
        checkArgument(!fields.isEmpty(), "an entry for stream %s needs at least one field", stream);
        fields.forEach((k, v) -> checkArgument(k != null && v != null,
                "null field name or value in entry for stream %s: %s=%s", stream, k, v));
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
