package io.streamcrawl.connectors.redis.sink;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.SimpleBatchCreator;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.internal.ConnectionRetry;
import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import io.streamcrawl.connectors.redis.internal.RedisFailures;
import io.streamcrawl.connectors.redis.internal.StreamCommands;
import io.streamcrawl.connectors.redis.internal.Utf8;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Writes batches of entries with pipelined {@code XADD}s on an I/O thread of its own; the buffer,
 * the batches, the flushes and the back-pressure are {@link AsyncSinkWriter}'s, on the task thread.
 *
 * <p>The I/O thread sends one batch at a time, in the order they were handed over. A lost
 * connection is retried with back-off, with a new client each time, up to the retry timeout; the
 * whole batch is sent again, so entries of a batch that partly reached Redis are appended twice.
 * An error reply (e.g. the key holds no stream), refused credentials, a failed TLS handshake, or
 * the retry timeout fail the job, with the stream key or the server in the message.
 *
 * <p>With {@link RedisStreamSinkOptions#JOURNAL_STREAM} set, each batch goes in two rounds: the
 * entries to other streams, then, once Redis answered them, those to the journal stream. Batches
 * go one after the other, so a journal entry in Redis implies that every entry given to the
 * writer before it is in Redis too.
 *
 * <p>Gauges: {@value #BUFFERED_ENTRIES}, the entries waiting in the buffer (at most {@link
 * RedisStreamSinkOptions#MAX_BUFFERED_ENTRIES}), and {@value #IN_FLIGHT_ENTRIES}, those handed to
 * the I/O thread and not yet written (at most {@link RedisStreamSinkOptions#MAX_IN_FLIGHT_BATCHES}
 * × {@link RedisStreamSinkOptions#BATCH_SIZE}).
 */
@Internal
final class RedisStreamWriter<T> extends AsyncSinkWriter<T, RedisStreamEntry> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamWriter.class);
    static final String BUFFERED_ENTRIES = "bufferedEntries";
    static final String IN_FLIGHT_ENTRIES = "inFlightEntries";

    private final RedisConnectionConfig connection;
    private final int subtask;
    private final long maxLength;
    @Nullable private final String journalStream;
    private final ConnectionRetry retry;
    private final StreamCommands commands;
    private final ExecutorService io;
    private final AtomicInteger inFlightEntries = new AtomicInteger();
    /** Touched only by the I/O thread, and by {@link #close()} after it stopped. */
    @Nullable private UnifiedJedis redis;

    RedisStreamWriter(
            RedisConnectionConfig connection,
            ReadableConfig options,
            ElementConverter<T, RedisStreamEntry> converter,
            AsyncSinkWriterConfiguration configuration,
            WriterInitContext context,
            Collection<BufferedRequestState<RedisStreamEntry>> recoveredState) {
        this(connection, options, converter, configuration, context, recoveredState, new DequeRequestBuffer<>());
    }

    private RedisStreamWriter(
            RedisConnectionConfig connection,
            ReadableConfig options,
            ElementConverter<T, RedisStreamEntry> converter,
            AsyncSinkWriterConfiguration configuration,
            WriterInitContext context,
            Collection<BufferedRequestState<RedisStreamEntry>> recoveredState,
            DequeRequestBuffer<RedisStreamEntry> buffer) {
        super(converter, context, configuration, recoveredState,
                new SimpleBatchCreator<>(configuration.getMaxBatchSizeInBytes()), buffer);
        this.connection = connection;
        this.subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.maxLength = options.get(RedisStreamSinkOptions.MAX_LENGTH);
        this.journalStream = options.getOptional(RedisStreamSinkOptions.JOURNAL_STREAM).orElse(null);
        this.retry = new ConnectionRetry("Redis stream sink " + subtask + " (" + connection.address() + ")", connection, options);
        this.commands = StreamCommands.of(options);
        this.io = Executors.newSingleThreadExecutor(new ExecutorThreadFactory("redis-stream-sink-" + subtask));
        context.metricGroup().gauge(BUFFERED_ENTRIES, buffer::size);
        context.metricGroup().gauge(IN_FLIGHT_ENTRIES, inFlightEntries::get);
    }

    @Override
    protected void submitRequestEntries(List<RedisStreamEntry> batch, ResultHandler<RedisStreamEntry> result) {
        inFlightEntries.addAndGet(batch.size());
        io.execute(() -> write(batch, result));
    }

    /**
     * Sends every buffered entry and waits until all are written, before each checkpoint too (the
     * base would keep the buffer in the checkpoint instead): Redis then holds everything the
     * checkpoint covers, and the writer's checkpointed state stays empty.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(true);
    }

    @Override
    protected long getSizeInBytes(RedisStreamEntry entry) {
        return Utf8.length(entry.stream()) + Utf8.length(entry.fields());
    }

    /** Runs on the I/O thread: sends the batch until it is written, or fails it. */
    private void write(List<RedisStreamEntry> batch, ResultHandler<RedisStreamEntry> result) {
        Exception failure = null;
        try {
            while (true) {
                try {
                    send(batch);
                    retry.onSuccess();
                    break;
                } catch (RuntimeException e) {
                    RuntimeException cause = retry.explain(e);
                    if (!ConnectionRetry.isTransient(cause)) {
                        throw RedisFailures.nonRetryable(
                                "Redis stream sink " + subtask + " failed to write " + batch.size() + " entries", connection, cause);
                    }
                    closeClient();
                    retry.onFailure(cause);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        inFlightEntries.addAndGet(-batch.size());
        try {
            if (failure == null) {
                result.complete();
            } else {
                result.completeExceptionally(failure);
            }
        } catch (RuntimeException e) {
            // The task's mailbox is closed: the writer is gone, and nobody waits for this batch.
            LOG.debug("Redis stream sink {}: result of a batch of {} entries after close: {}", subtask, batch.size(),
                    failure == null ? "written" : failure.toString());
        }
    }

    private void send(List<RedisStreamEntry> batch) {
        if (redis == null) {
            redis = RedisClientFactory.create(connection, Duration.ZERO, "streamcrawl-sink-" + subtask);
            commands.load(redis);
        }
        if (journalStream == null) {
            sendRound(batch);
            return;
        }
        // Two rounds, the journal's last: a journal entry is never in Redis without what came before it.
        List<RedisStreamEntry> journal = new ArrayList<>();
        List<RedisStreamEntry> others = new ArrayList<>(batch.size());
        batch.forEach(entry -> (journalStream.equals(entry.stream()) ? journal : others).add(entry));
        sendRound(others);
        sendRound(journal);
    }

    /** One pipelined round trip: the XADDs of each stream, in the batch's order within each stream. */
    private void sendRound(List<RedisStreamEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Map<String, List<Map<String, String>>> byStream = new LinkedHashMap<>();
        entries.forEach(entry -> byStream.computeIfAbsent(entry.stream(), s -> new ArrayList<>()).add(entry.fields()));
        Map<String, Supplier<List<StreamEntryID>>> replies = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
            byStream.forEach((stream, fields) -> replies.put(stream, commands.append(pipeline, stream, fields, maxLengthOf(stream))));
            pipeline.sync();
        }
        replies.forEach((stream, reply) -> {
            try {
                reply.get();
            } catch (JedisDataException e) {
                if (ConnectionRetry.isTransient(e)) {
                    throw e;
                }
                throw new JedisDataException("XADD to stream " + stream + " failed: " + e.getMessage(), e);
            }
        });
    }

    /** With a journal stream only it is trimmed: the others (a frontier) hold work, not history. */
    private long maxLengthOf(String stream) {
        return journalStream == null || journalStream.equals(stream) ? maxLength : 0;
    }

    private void closeClient() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    /**
     * Stops the I/O thread (Flink has flushed before, unless the task is cancelled or failing) and
     * closes the client once the thread is gone, or after a socket timeout if it hangs in a call.
     */
    @Override
    public void close() {
        io.shutdownNow();
        try {
            io.awaitTermination(connection.socketTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeClient();
    }
}
