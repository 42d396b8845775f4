package io.streamcrawl.connectors.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/** The Redis side of the ITCases: writing test entries to streams and reading back what a job wrote. */
public final class RedisTestStreams {
    private RedisTestStreams() {}

    /**
     * Adds {@code perStream} entries {@code n} = 0..perStream-1 to each stream in one pipeline,
     * round-robin; returns "stream/id" of each, in the order added.
     */
    public static List<String> addEntries(UnifiedJedis redis, List<String> streams, int perStream) {
        List<Response<StreamEntryID>> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < perStream; i++) {
                for (String stream : streams) {
                    ids.add(pipeline.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("n", String.valueOf(i))));
                    keys.add(stream);
                }
            }
            pipeline.sync();
        }
        List<String> written = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            written.add(keys.get(i) + "/" + ids.get(i).get());
        }
        return written;
    }

    /** The "i" field of every entry of {@code stream}, in stream order. */
    public static List<Integer> values(UnifiedJedis redis, String stream) {
        List<Integer> values = new ArrayList<>();
        for (StreamEntry entry : redis.xrange(stream, "-", "+")) {
            values.add(Integer.parseInt(entry.getFields().get("i")));
        }
        return values;
    }

    /** Entries of the streams delivered to {@code group} and not acknowledged yet. */
    public static long pending(UnifiedJedis redis, String group, List<String> streams) {
        return streams.stream().mapToLong(s -> redis.xpending(s, group).getTotal()).sum();
    }
}
