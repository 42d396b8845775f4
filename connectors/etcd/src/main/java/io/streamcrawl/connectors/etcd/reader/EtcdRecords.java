package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns jetcd's key-values and watch events into the records the emitter takes. */
final class EtcdRecords {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdRecords.class);

    private EtcdRecords() {}

    /**
     * One PUT per key of a prefix-read page that {@code known} does not hold at that mod revision;
     * the position moves only when the read completes.
     */
    static List<EtcdSourceRecord> fromRead(List<KeyValue> kvs, KnownKeys known) {
        List<EtcdSourceRecord> records = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            String key = string(kv.getKey());
            if (known.found(key, kv.getModRevision())) {
                EtcdKeyEvent event = EtcdKeyEvent.put(key, string(kv.getValue()), kv.getModRevision());
                records.add(EtcdSourceRecord.event(event, EtcdSourceRecord.KEEP_POSITION));
            }
        }
        return records;
    }

    /**
     * One DELETE per key a prefix read at {@code readRevision} no longer found. The real revision
     * of the delete is lost with the compacted history; {@code readRevision} is the first one known
     * to lack the key.
     */
    static List<EtcdSourceRecord> deletedBefore(List<String> keys, long readRevision) {
        return keys.stream()
                .map(key -> EtcdSourceRecord.event(EtcdKeyEvent.delete(key, readRevision), EtcdSourceRecord.KEEP_POSITION))
                .toList();
    }

    /**
     * The events of one watch response after revision {@code after} (a resumed watch may replay
     * some). The position moves after the last event of each revision, since one transaction's
     * events share a revision and a checkpoint must not split them; a response never does.
     */
    static List<EtcdSourceRecord> fromWatch(List<WatchEvent> events, long after) {
        List<EtcdSourceRecord> records = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            KeyValue kv = events.get(i).getKeyValue();
            long revision = kv.getModRevision();
            if (revision <= after) {
                continue;
            }
            boolean lastOfRevision = i == events.size() - 1
                    || events.get(i + 1).getKeyValue().getModRevision() != revision;
            long positionAfter = lastOfRevision ? revision : EtcdSourceRecord.KEEP_POSITION;
            WatchEvent.EventType type = events.get(i).getEventType();
            if (type == WatchEvent.EventType.PUT) {
                EtcdKeyEvent put = EtcdKeyEvent.put(string(kv.getKey()), string(kv.getValue()), revision);
                records.add(EtcdSourceRecord.event(put, positionAfter));
            } else if (type == WatchEvent.EventType.DELETE) {
                records.add(EtcdSourceRecord.event(EtcdKeyEvent.delete(string(kv.getKey()), revision), positionAfter));
            } else {
                LOG.warn("Skipping etcd watch event of unknown type {} for key '{}' at revision {}",
                        type, string(kv.getKey()), revision);
                if (lastOfRevision) {
                    records.add(EtcdSourceRecord.position(revision));
                }
            }
        }
        return records;
    }

    static String string(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
