package io.streamcrawl.connectors.redis.source;

import java.io.Serializable;
import java.util.Map;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

/**
 * Turns one Redis stream entry into zero or more records of type {@code T}.
 *
 * <p>Called on the task thread, once per entry, in stream order. An exception marks the entry as
 * malformed: the source counts it (metric {@code malformedEntries}), logs it with its stream and
 * ID, skips it and acknowledges it with the next checkpoint; it never fails the job. The records
 * collected for an entry are emitted only when {@code deserialize} returns normally, so a failing
 * entry emits nothing.
 *
 * <p>Malformed entries are logged at WARN once per kind and at DEBUG after that. The kind is the
 * exception class and the part of its message before the first colon, so throw e.g.
 * {@code new IllegalArgumentException("invalid url: " + url)} to group by "invalid url".
 */
@PublicEvolving
public interface RedisStreamDeserializer<T> extends Serializable, ResultTypeQueryable<T> {

    /**
     * @param stream the stream key the entry was read from
     * @param id the entry ID, e.g. {@code 1700000000000-0}
     * @param fields the entry's field/value pairs (never empty for an entry that exists)
     * @param out receives the records made from the entry
     * @throws Exception when the entry is malformed
     */
    void deserialize(String stream, String id, Map<String, String> fields, Collector<T> out) throws Exception;

    /** Emits each entry's fields as they are. */
    static RedisStreamDeserializer<Map<String, String>> fieldMap() {
        return new RedisStreamDeserializer<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public void deserialize(String stream, String id, Map<String, String> fields, Collector<Map<String, String>> out) {
                out.collect(fields);
            }

            @Override
            public TypeInformation<Map<String, String>> getProducedType() {
                return Types.MAP(Types.STRING, Types.STRING);
            }
        };
    }
}
