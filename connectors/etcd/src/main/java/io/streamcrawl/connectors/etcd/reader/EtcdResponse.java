package io.streamcrawl.connectors.etcd.reader;

import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.watch.WatchEvent;

import java.util.List;

/**
 * What jetcd's callbacks hand to the fetcher thread. Each carries the generation of the request
 * that produced it; the fetcher drops responses of requests it has abandoned since.
 */
sealed interface EtcdResponse {
    long generation();

    /** One page of the prefix read. */
    record SnapshotPage(long generation, GetResponse response) implements EtcdResponse {}

    /** The watch was created; etcd was at {@code headerRevision}. */
    record WatchCreated(long generation, long headerRevision) implements EtcdResponse {}

    /** One watch response's events, in revision order; a revision is never split across two. */
    record WatchEvents(long generation, List<WatchEvent> events) implements EtcdResponse {}

    /** Watch responses were refused because the handover was full; the watch must restart. */
    record Overflow(long generation) implements EtcdResponse {}

    /** A read failed, or the watch failed or ended. */
    record Failure(long generation, Throwable cause) implements EtcdResponse {}
}
