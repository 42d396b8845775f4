package io.streamcrawl.connectors.redis.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import io.streamcrawl.connectors.redis.StreamFence;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The commands with which the connectors change streams and consumer groups: the plain ones, or,
 * with a {@link StreamFence}, the same inside Lua scripts ({@link FenceScripts}, by EVALSHA) that
 * check the fence first. Used on one thread per instance.
 *
 * <p>{@link #load} loads the scripts (on every node of a cluster); call it on each new client.
 * A {@code NOSCRIPT} reply (the server restarted or flushed its scripts) is retried like a lost
 * connection, so the client is made anew and the scripts loaded again.
 */
@Internal
public final class StreamCommands {
    private static final String SHA_XADD = FenceScripts.sha1(FenceScripts.XADD);
    private static final String SHA_ACK = FenceScripts.sha1(FenceScripts.ACK);
    private static final String SHA_READ = FenceScripts.sha1(FenceScripts.READ);
    private static final String SHA_CLAIM = FenceScripts.sha1(FenceScripts.CLAIM);

    @Nullable private final StreamFence fence;

    private StreamCommands(@Nullable StreamFence fence) {
        this.fence = fence;
    }

    /** Fenced when the options set {@link io.streamcrawl.connectors.redis.RedisFenceOptions#KEY}. */
    public static StreamCommands of(ReadableConfig options) {
        return new StreamCommands(StreamFence.of(options).orElse(null));
    }

    public void load(UnifiedJedis redis) {
        if (fence != null) {
            for (String script : List.of(FenceScripts.XADD, FenceScripts.ACK, FenceScripts.READ, FenceScripts.CLAIM)) {
                redis.scriptLoad(script);
            }
        }
    }

    /**
     * XREADGROUP COUNT {@code count} of one stream from its ID in {@code from} ({@code >}: new
     * entries), without blocking, in a pipeline.
     */
    public Supplier<List<Map.Entry<String, List<StreamEntry>>>> readGroup(
            AbstractPipeline pipeline, String group, String consumer, int count, Map<String, StreamEntryID> from) {
        if (fence == null) {
            Response<List<Map.Entry<String, List<StreamEntry>>>> reply =
                    pipeline.xreadGroup(group, consumer, XReadGroupParams.xReadGroupParams().count(count), from);
            return () -> RedisClientFactory.reply(reply);
        }
        Map.Entry<String, StreamEntryID> stream = only(from);
        Response<Object> reply = pipeline.evalsha(SHA_READ, keys(stream.getKey()), readArgs(group, consumer, count, stream));
        return () -> readReply(RedisClientFactory.reply(reply));
    }

    /**
     * XREADGROUP as above, on its own; with a positive {@code block}, waiting up to that long for a
     * new entry when there is none. Fenced, that wait is a plain {@code XREAD BLOCK} for an entry
     * after the stream's last (it changes no group), followed by the fenced read: an entry that
     * arrives between a read and the wait is read one BLOCK later at most.
     */
    public List<Map.Entry<String, List<StreamEntry>>> readGroup(
            UnifiedJedis redis, String group, String consumer, int count, Duration block, Map<String, StreamEntryID> from) {
        if (fence == null) {
            XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(count);
            return redis.xreadGroup(group, consumer, block.isZero() ? params : params.block((int) block.toMillis()), from);
        }
        Map.Entry<String, StreamEntryID> stream = only(from);
        if (!block.isZero()) {
            var arrived = redis.xread(XReadParams.xReadParams().count(1).block((int) block.toMillis()),
                    Map.of(stream.getKey(), StreamEntryID.XREAD_NEW_ENTRY));
            if (arrived == null || arrived.isEmpty()) {
                return List.of();
            }
        }
        return readReply(redis.evalsha(SHA_READ, keys(stream.getKey()), readArgs(group, consumer, count, stream)));
    }

    /** XACK, then XDEL when {@code delete}, of the IDs; the supplier throws an error reply once synced. */
    public Supplier<?> acknowledge(AbstractPipeline pipeline, String stream, String group, boolean delete, StreamEntryID[] ids) {
        if (fence == null) {
            Response<Long> acked = pipeline.xack(stream, group, ids);
            Response<Long> deleted = delete ? pipeline.xdel(stream, ids) : acked;
            return () -> RedisClientFactory.reply(acked) + RedisClientFactory.reply(deleted);
        }
        List<String> args = new ArrayList<>(ids.length + 3);
        args.add(fence.token());
        args.add(group);
        args.add(delete ? "1" : "0");
        for (StreamEntryID id : ids) {
            args.add(id.toString());
        }
        Response<Object> reply = pipeline.evalsha(SHA_ACK, keys(stream), args);
        return () -> RedisClientFactory.reply(reply);
    }

    /** XCLAIM of the IDs into {@code consumer}, if idle for {@code minIdle}; returns the entries claimed. */
    public List<StreamEntry> claim(
            UnifiedJedis redis, String stream, String group, String consumer, Duration minIdle, StreamEntryID[] ids) {
        if (fence == null) {
            return redis.xclaim(stream, group, consumer, minIdle.toMillis(), XClaimParams.xClaimParams(), ids);
        }
        List<String> args = new ArrayList<>(ids.length + 4);
        args.add(fence.token());
        args.add(group);
        args.add(consumer);
        args.add(Long.toString(minIdle.toMillis()));
        for (StreamEntryID id : ids) {
            args.add(id.toString());
        }
        return entries(redis.evalsha(SHA_CLAIM, keys(stream), args));
    }

    /**
     * Appends the entries to one stream, in order (XADD, {@code MAXLEN ~ maxLength} if positive):
     * the supplier gives their IDs once the pipeline is synced, or throws the error reply of a
     * command or of the fence.
     */
    public Supplier<List<StreamEntryID>> append(
            AbstractPipeline pipeline, String stream, List<Map<String, String>> entries, long maxLength) {
        if (fence == null) {
            XAddParams params = XAddParams.xAddParams().id(StreamEntryID.NEW_ENTRY);
            if (maxLength > 0) {
                params.maxLen(maxLength).approximateTrimming();
            }
            List<Response<StreamEntryID>> replies = new ArrayList<>(entries.size());
            entries.forEach(fields -> replies.add(pipeline.xadd(stream, params, fields)));
            return () -> replies.stream().map(RedisClientFactory::reply).toList();
        }
        List<String> args = new ArrayList<>();
        args.add(fence.token());
        args.add(Long.toString(Math.max(0, maxLength)));
        for (Map<String, String> fields : entries) {
            args.add(Integer.toString(fields.size() * 2));
            fields.forEach((name, value) -> {
                args.add(name);
                args.add(value);
            });
        }
        Response<Object> reply = pipeline.evalsha(SHA_XADD, keys(stream), args);
        return () -> ((List<?>) RedisClientFactory.reply(reply)).stream().map(id -> new StreamEntryID(text(id))).toList();
    }

    private List<String> readArgs(String group, String consumer, int count, Map.Entry<String, StreamEntryID> stream) {
        return List.of(fence.token(), group, consumer, Integer.toString(count), stream.getValue().toString());
    }

    private static Map.Entry<String, StreamEntryID> only(Map<String, StreamEntryID> from) {
        if (from.size() != 1) {
            throw new IllegalArgumentException("a fenced read takes one stream, not " + from.keySet());
        }
        return from.entrySet().iterator().next();
    }

    private List<String> keys(String stream) {
        return List.of(fence.keyOf(stream), stream);
    }

    /** An XREADGROUP reply as a script returns it: [[stream, [[id, [field, value, ...]], ...]]] or nil. */
    private static List<Map.Entry<String, List<StreamEntry>>> readReply(@Nullable Object reply) {
        if (!(reply instanceof List<?> streams) || streams.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<String, List<StreamEntry>>> result = new ArrayList<>(streams.size());
        for (Object item : streams) {
            List<?> pair = (List<?>) item;
            result.add(new AbstractMap.SimpleImmutableEntry<>(text(pair.get(0)), entries(pair.get(1))));
        }
        return result;
    }

    /** Entries as a script returns them; an entry deleted meanwhile comes without fields (null). */
    private static List<StreamEntry> entries(@Nullable Object reply) {
        if (!(reply instanceof List<?> items)) {
            return List.of();
        }
        List<StreamEntry> entries = new ArrayList<>(items.size());
        for (Object item : items) {
            List<?> entry = (List<?>) item;
            Map<String, String> fields = null;
            if (entry.size() > 1 && entry.get(1) instanceof List<?> flat) {
                fields = new LinkedHashMap<>();
                for (int i = 0; i + 1 < flat.size(); i += 2) {
                    fields.put(text(flat.get(i)), text(flat.get(i + 1)));
                }
            }
            entries.add(new StreamEntry(new StreamEntryID(text(entry.get(0))), fields));
        }
        return entries;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
