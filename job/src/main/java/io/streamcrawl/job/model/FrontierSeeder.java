package io.streamcrawl.job.model;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.job.config.CrawlerOptions;
import io.streamcrawl.job.url.UrlNormalizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.flink.configuration.Configuration;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.StreamEntryID;

/** Adds a task's seed URLs to the frontier: normalized, at depth 0, each on its host's shard. */
public final class FrontierSeeder {
    private final UnifiedJedis redis;
    private final FrontierEntrySerializer serializer;

    public FrontierSeeder(UnifiedJedis redis, FrontierEntrySerializer serializer) {
        this.redis = redis;
        this.serializer = serializer;
    }

    /** The seeder of the frontier streams the job's configuration names ({@code frontier.*}). */
    public static FrontierSeeder of(UnifiedJedis redis, Configuration config) {
        return new FrontierSeeder(redis, new FrontierEntrySerializer(
                config.get(CrawlerOptions.FRONTIER_STREAM_PREFIX), config.get(CrawlerOptions.FRONTIER_SHARDS)));
    }

    /**
     * Writes the seeds, all or none: every URL is checked before the first is written.
     *
     * @return the entries written, in the order given
     * @throws IllegalArgumentException naming the first URL that is not an http(s) URL
     */
    public List<RedisStreamEntry> seed(String task, Collection<String> urls) {
        List<RedisStreamEntry> entries = new ArrayList<>(urls.size());
        for (String url : urls) {
            String normalized = UrlNormalizer.normalize(url)
                    .orElseThrow(() -> new IllegalArgumentException("'" + url + "' is not an http(s) URL"));
            entries.add(serializer.serialize(FrontierEntry.seed(normalized, task)));
        }
        for (RedisStreamEntry entry : entries) {
            redis.xadd(entry.stream(), StreamEntryID.NEW_ENTRY, entry.fields());
        }
        return entries;
    }
}
