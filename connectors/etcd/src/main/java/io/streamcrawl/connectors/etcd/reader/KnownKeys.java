package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.apache.flink.util.Preconditions.checkState;

/**
 * The keys the split reader has handed to Flink as present, each with the mod revision of that
 * PUT, and the comparison of a prefix read against them: a read reports only what changed since.
 * The record emitter keeps the same map in the split state, so it survives a restore. Used by the
 * fetcher thread only.
 */
final class KnownKeys {
    private final TreeMap<String, Long> revisions;
    /** During a prefix read: the keys known when it started that it has not found yet. */
    private TreeSet<String> notFound;

    KnownKeys(Map<String, Long> restored) {
        this.revisions = new TreeMap<>(restored);
    }

    /** Applies a watch event handed to Flink. */
    void apply(EtcdKeyEvent event) {
        if (event.type() == EtcdKeyEvent.Type.PUT) {
            revisions.put(event.key(), event.revision());
        } else {
            revisions.remove(event.key());
        }
    }

    /** A prefix read starts (again): every known key is missing until a page holds it. */
    void startRead() {
        notFound = new TreeSet<>(revisions.keySet());
    }

    /**
     * A read found {@code key} at {@code modRevision}; true if that is news to Flink (the key is
     * new or was changed since it was reported), so a PUT must be emitted.
     */
    boolean found(String key, long modRevision) {
        checkState(notFound != null, "no prefix read in progress");
        notFound.remove(key);
        Long reported = revisions.put(key, modRevision);
        return reported == null || reported != modRevision;
    }

    /** The read is complete: the known keys it did not find, in key order, are forgotten and returned. */
    List<String> endRead() {
        checkState(notFound != null, "no prefix read in progress");
        List<String> gone = new ArrayList<>(notFound);
        gone.forEach(revisions::remove);
        notFound = null;
        return gone;
    }

    /**
     * Makes the next read report every key it finds: after etcd went back to an older revision
     * (a restored or replaced cluster), equal mod revisions no longer prove equal values.
     */
    void forgetRevisions() {
        revisions.replaceAll((key, revision) -> EtcdPrefixSplit.NO_REVISION);
    }
}
