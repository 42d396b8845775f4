package io.streamcrawl.connectors.redis.source.reader;

import java.util.List;
import java.util.function.Supplier;

import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import io.streamcrawl.connectors.redis.internal.StreamCommands;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Acknowledges (XACK, then XDEL unless disabled) a split's entries: its consumer's pending entries
 * up to a position, or claimed entries by ID; in pipelined batches. Runs on the fetcher thread.
 */
final class EntryAcknowledger {
    private final String group;
    private final int batchSize;
    private final boolean delete;
    private final StreamCommands commands;

    EntryAcknowledger(String group, int batchSize, boolean delete, StreamCommands commands) {
        this.group = group;
        this.batchSize = batchSize;
        this.delete = delete;
        this.commands = commands;
    }

    /** Acknowledges the split's consumer's pending entries up to an ID; returns how many. */
    long upTo(UnifiedJedis redis, StreamCursor cursor, StreamEntryID upTo) {
        long total = 0;
        while (true) {
            List<StreamPendingEntry> pending = redis.xpending(cursor.stream, group,
                    XPendingParams.xPendingParams("-", upTo.toString(), batchSize).consumer(cursor.consumer));
            if (pending.isEmpty()) {
                return total;
            }
            ids(redis, cursor, pending.stream().map(StreamPendingEntry::getID).toList());
            total += pending.size();
            if (pending.size() < batchSize) {
                return total;
            }
        }
    }

    /** Acknowledges the given entries, whichever consumer holds them. */
    void ids(UnifiedJedis redis, StreamCursor cursor, List<StreamEntryID> ids) {
        for (int from = 0; from < ids.size(); from += batchSize) {
            StreamEntryID[] batch = ids.subList(from, Math.min(ids.size(), from + batchSize)).toArray(StreamEntryID[]::new);
            try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
                Supplier<?> acknowledged = commands.acknowledge(pipeline, cursor.stream, group, delete, batch);
                pipeline.sync();
                acknowledged.get();
            }
        }
    }
}
