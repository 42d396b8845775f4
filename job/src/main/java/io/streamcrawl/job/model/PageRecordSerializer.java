package io.streamcrawl.job.model;

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
        page.wireFields().forEach((name, value) -> fields.put(name, value.toString()));
        return new RedisStreamEntry(stream, fields);
    }
}
