package io.streamcrawl.job.parse;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSerializer;

import java.util.HashMap;
import java.util.Map;

/** Writes a {@link PageRecord} to the page stream with the public field names; absent values are omitted. */
public final class PageRecordSerializer implements RedisStreamSerializer<PageRecord> {
    private final String stream;

    public PageRecordSerializer(String stream) {
        this.stream = stream;
    }

    @Override
    public RedisStreamEntry serialize(PageRecord page) {
        Map<String, String> fields = new HashMap<>();
        put(fields, "url", page.url());
        put(fields, "final_url", page.finalUrl());
        put(fields, "task", page.task());
        put(fields, "depth", page.depth());
        put(fields, "status", page.status());
        put(fields, "content_type", page.contentType());
        put(fields, "content_length", page.contentLength());
        put(fields, "title", page.title());
        put(fields, "links", page.links());
        put(fields, "fetched_at", page.fetchedAt());
        put(fields, "fetch_ms", page.fetchMs());
        put(fields, "error", page.error());
        put(fields, "location", page.location());
        put(fields, "canonical", page.canonical());
        return new RedisStreamEntry(stream, fields);
    }

    private static void put(Map<String, String> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value.toString());
        }
    }
}
