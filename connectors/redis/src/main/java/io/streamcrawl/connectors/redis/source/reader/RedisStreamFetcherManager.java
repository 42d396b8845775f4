package io.streamcrawl.connectors.redis.source.reader;

import java.util.List;
import java.util.function.Supplier;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcherTask;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The single fetcher thread of a reader, which also runs the acknowledgements of completed
 * checkpoints.
 *
 * <p>Acknowledging is enqueued as a task on the fetcher, as Kafka's source commits offsets: all
 * Redis I/O stays on one thread and one client, the task thread only enqueues, and an ack waits at
 * most for the read in progress (bounded by BLOCK). A separate client for acks would have needed
 * a thread of its own, or I/O on the task thread.
 */
@Internal
public final class RedisStreamFetcherManager extends SingleThreadFetcherManager<StreamEntry, RedisStreamSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamFetcherManager.class);

    public RedisStreamFetcherManager(
            Supplier<SplitReader<StreamEntry, RedisStreamSplit>> splitReaderSupplier, Configuration config) {
        super(splitReaderSupplier, config);
    }

    /**
     * Enqueues the acknowledgement of the entries each split had emitted at the checkpoint; {@code
     * completedNanos} is when the checkpoint's completion was notified ({@link System#nanoTime()}).
     */
    void acknowledge(long checkpointId, List<RedisStreamSplit> splits, long completedNanos) {
        SplitFetcher<StreamEntry, RedisStreamSplit> fetcher = getRunningFetcher();
        if (fetcher == null) {
            // No fetcher means no split was ever assigned: nothing can be pending.
            LOG.debug("No running fetcher to acknowledge checkpoint {}", checkpointId);
            return;
        }
        RedisStreamSplitReader reader = (RedisStreamSplitReader) fetcher.getSplitReader();
        fetcher.enqueueTask(new SplitFetcherTask() {
            @Override
            public boolean run() {
                reader.acknowledge(checkpointId, splits, completedNanos);
                return true;
            }

            @Override
            public void wakeUp() {}
        });
    }
}
