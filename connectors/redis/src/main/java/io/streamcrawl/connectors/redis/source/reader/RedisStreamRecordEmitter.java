package io.streamcrawl.connectors.redis.source.reader;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplitState;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Deserializes each stream entry, emits its records with the entry ID's time as timestamp, and
 * advances the split's last emitted ID (or, for an entry claimed from another consumer, records it
 * among the split's claimed IDs), also past entries it skips (malformed, or deleted while pending)
 * so that they are acknowledged with the next checkpoint. Runs on the task thread.
 */
@Internal
public final class RedisStreamRecordEmitter<T> implements RecordEmitter<StreamEntry, T, RedisStreamSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamRecordEmitter.class);
    /** Bounds the memory of kinds already logged at WARN; past it every kind logs at DEBUG. */
    private static final int MAX_LOGGED_KINDS = 1000;

    private final RedisStreamDeserializer<T> deserializer;
    private final RedisStreamSourceReaderMetrics metrics;
    private final BufferingCollector<T> buffer = new BufferingCollector<>();
    private final Set<String> loggedKinds = new HashSet<>();

    public RedisStreamRecordEmitter(RedisStreamDeserializer<T> deserializer, RedisStreamSourceReaderMetrics metrics) {
        this.deserializer = deserializer;
        this.metrics = metrics;
    }

    @Override
    public void emitRecord(StreamEntry entry, SourceOutput<T> output, RedisStreamSplitState split) {
        String id = entry.getID().toString();
        Map<String, String> fields = entry.getFields();
        if (fields == null || fields.isEmpty()) {
            LOG.debug("Stream {}: entry {} was deleted while pending; skipping it", split.stream(), id);
            markEmitted(entry, split);
            return;
        }
        buffer.records.clear();
        try {
            deserializer.deserialize(split.stream(), id, fields, buffer);
        } catch (Exception e) {
            buffer.records.clear();
            reportMalformed(split.stream(), id, e);
            markEmitted(entry, split);
            return;
        }
        long timestamp = entry.getID().getTime();
        for (T record : buffer.records) {
            output.collect(record, timestamp);
        }
        buffer.records.clear();
        markEmitted(entry, split);
    }

    private static void markEmitted(StreamEntry entry, RedisStreamSplitState split) {
        if (entry instanceof ClaimedStreamEntry) {
            split.addClaimedId(entry.getID().toString());
        } else {
            split.setLastEmittedId(entry.getID().toString());
        }
    }

    private void reportMalformed(String stream, String id, Exception e) {
        metrics.recordMalformedEntry();
        String kind = kindOf(e);
        if (loggedKinds.size() < MAX_LOGGED_KINDS && loggedKinds.add(kind)) {
            LOG.warn("Stream {}: skipping malformed entry {}: {} (further entries of this kind are logged at"
                    + " DEBUG and counted in metric {})", stream, id, e.toString(),
                    RedisStreamSourceReaderMetrics.MALFORMED_ENTRIES);
        } else {
            LOG.debug("Stream {}: skipping malformed entry {}: {}", stream, id, e.toString());
        }
    }

    /** The exception class and the message up to its first colon: "invalid url: x" is "invalid url". */
    static String kindOf(Exception e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int colon = message.indexOf(':');
        String head = colon >= 0 ? message.substring(0, colon) : message;
        return e.getClass().getName() + ": " + (head.length() > 120 ? head.substring(0, 120) : head);
    }

    /** Holds one entry's records until the deserializer returns, so a failing entry emits nothing. */
    private static final class BufferingCollector<T> implements Collector<T> {
        final List<T> records = new ArrayList<>();

        @Override
        public void collect(T record) {
            records.add(record);
        }

        @Override
        public void close() {}
    }
}
