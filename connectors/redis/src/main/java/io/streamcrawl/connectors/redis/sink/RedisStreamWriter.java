package io.streamcrawl.connectors.redis.sink;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.metrics.Counter;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.internal.ConnectionRetry;
import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import io.streamcrawl.connectors.redis.internal.RedisFailures;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;

/**
 * Buffers serialized entries and appends them with pipelined {@code XADD}s.
 *
 * <p>Everything runs on the task thread: {@link #write}, {@link #flush} (called by Flink before
 * each checkpoint barrier and at end of input, which makes the sink at-least-once) and the flush
 * timer. A lost connection blocks the writer, which back-pressures the job, and is retried with
 * back-off up to the retry timeout; the whole batch is sent again, so entries of a batch that
 * partly reached Redis are appended twice. An error reply (e.g. the key holds no stream) or
 * refused credentials fail the job at once, with the stream key or the server in the message.
 */
@Internal
final class RedisStreamWriter<T> implements SinkWriter<T> {
    private final RedisStreamSerializer<T> serializer;
    private final RedisConnectionConfig connection;
    private final int subtask;
    @Nullable private UnifiedJedis redis;
    private final ConnectionRetry retry;
    private final int batchSize;
    private final Duration flushInterval;
    private final long maxLength;
    private final ProcessingTimeService timers;
    private final Counter numRecordsSend;
    private final List<RedisStreamEntry> buffer = new ArrayList<>();
    private boolean timerPending;

    RedisStreamWriter(
            RedisConnectionConfig connection,
            RedisStreamSerializer<T> serializer,
            ReadableConfig options,
            WriterInitContext context) {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.serializer = serializer;
        this.connection = connection;
        this.subtask = subtask;
        this.retry = new ConnectionRetry("Redis stream sink " + subtask + " (" + connection.address() + ")", options);
        this.batchSize = options.get(RedisStreamSinkOptions.BATCH_SIZE);
        this.flushInterval = options.get(RedisStreamSinkOptions.FLUSH_INTERVAL);
        this.maxLength = options.get(RedisStreamSinkOptions.MAX_LENGTH);
        this.timers = context.getProcessingTimeService();
        this.numRecordsSend = context.metricGroup().getNumRecordsSendCounter();
    }

    @Override
    public void write(T element, Context context) throws IOException {
        RedisStreamEntry entry = serializer.serialize(element);
        if (entry == null) {
            throw new IllegalStateException("serializer " + serializer + " returned null for " + element);
        }
        buffer.add(entry);
        if (buffer.size() >= batchSize) {
            flushBuffer();
        } else if (!timerPending) {
            timerPending = true;
            timers.registerTimer(timers.getCurrentProcessingTime() + flushInterval.toMillis(), time -> {
                timerPending = false;
                flushBuffer();
            });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        while (true) {
            try {
                send();
                retry.onSuccess();
                break;
            } catch (RuntimeException e) {
                if (!ConnectionRetry.isTransient(e)) {
                    throw RedisFailures.nonRetryable(
                            "Redis stream sink " + subtask + " failed to write " + buffer.size() + " entries", connection, e);
                }
                close();
                retry.onFailure(e);
            }
        }
        numRecordsSend.inc(buffer.size());
        buffer.clear();
    }

    private void send() {
        XAddParams params = XAddParams.xAddParams().id(StreamEntryID.NEW_ENTRY);
        if (maxLength > 0) {
            params.maxLen(maxLength).approximateTrimming();
        }
        List<Response<StreamEntryID>> replies = new ArrayList<>(buffer.size());
        if (redis == null) {
            redis = RedisClientFactory.create(connection, Duration.ZERO, "streamcrawl-sink-" + subtask);
        }
        try (AbstractPipeline pipeline = RedisClientFactory.pipelined(redis)) {
            for (RedisStreamEntry entry : buffer) {
                replies.add(pipeline.xadd(entry.stream(), params, entry.fields()));
            }
            pipeline.sync();
        }
        for (int i = 0; i < replies.size(); i++) {
            try {
                replies.get(i).get();
            } catch (JedisDataException e) {
                if (ConnectionRetry.isTransient(e)) {
                    throw e;
                }
                throw new JedisDataException("XADD to stream " + buffer.get(i).stream() + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
