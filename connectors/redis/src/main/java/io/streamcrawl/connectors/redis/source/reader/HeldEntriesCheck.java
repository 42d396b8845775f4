package io.streamcrawl.connectors.redis.source.reader;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Checks a read of new entries ({@code XREADGROUP ... >}) against what the split's consumer holds
 * after its position once the read has run ({@code XPENDING}, sent in the same round trip): an
 * entry held there that the read did not return went to another reader under the consumer's name
 * (a stale job, another process), or came in a reply that was lost unnoticed. Runs on the fetcher
 * thread.
 *
 * <p>Such an entry must be emitted before the position moves past it: a completed checkpoint
 * acknowledges every entry the consumer holds up to the position.
 */
final class HeldEntriesCheck {
    private static final Logger LOG = LoggerFactory.getLogger(HeldEntriesCheck.class);

    private final String group;
    private final int count;

    /** {@code count}: the most entries a read returns, so that one held besides them shows up. */
    HeldEntriesCheck(String group, int count) {
        this.group = group;
        this.count = count;
    }

    /** The {@code XPENDING} arguments to send right after the split's read. */
    XPendingParams heldAfterPosition(StreamCursor cursor) {
        return XPendingParams.xPendingParams("(" + cursor.position(), "+", count).consumer(cursor.consumer);
    }

    /**
     * Whether the consumer holds entries after its position that {@code entries} does not have;
     * then it sends the split back to re-reading its consumer's pending entries in stream order,
     * those among them, and the read's entries must not be handed out.
     */
    boolean holdsUnread(StreamCursor cursor, List<StreamEntry> entries, List<StreamPendingEntry> held) {
        Set<StreamEntryID> read = new HashSet<>();
        entries.forEach(entry -> read.add(entry.getID()));
        List<StreamEntryID> unread = held.stream().map(StreamPendingEntry::getID).filter(id -> !read.contains(id)).toList();
        if (unread.isEmpty()) {
            return false;
        }
        LOG.warn("Stream {}: consumer {} of group {} holds entries after {} that the reader did not read (first {}):"
                        + " another reader uses the consumer's name, or a reply was lost; re-reading its pending entries",
                cursor.stream, cursor.consumer, group, cursor.position(), unread.get(0));
        cursor.rereadPending();
        return true;
    }
}
