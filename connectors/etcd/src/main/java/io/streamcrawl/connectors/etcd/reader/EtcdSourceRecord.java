package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * What the split reader hands to the record emitter: an event to emit, a new split position, or
 * both.
 *
 * <p>The position moves only where a checkpoint may safely land: after the last event of a
 * revision (a transaction's events share one revision) and after the last key of a prefix read.
 * A checkpoint inside a prefix read therefore restores to a fresh read, never to half of one.
 *
 * @param event the event to emit, or {@code null} for a bare position update
 * @param positionAfter the revision through which everything has been emitted once this record
 *     is, or {@link #KEEP_POSITION}
 */
@Internal
public record EtcdSourceRecord(@Nullable EtcdKeyEvent event, long positionAfter) {
    public static final long KEEP_POSITION = -1L;

    static EtcdSourceRecord event(EtcdKeyEvent event, long positionAfter) {
        return new EtcdSourceRecord(event, positionAfter);
    }

    static EtcdSourceRecord position(long revision) {
        return new EtcdSourceRecord(null, revision);
    }
}
