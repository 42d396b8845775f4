package io.streamcrawl.job.journal;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSerializer;
import io.streamcrawl.job.model.FrontierEntrySerializer;
import io.streamcrawl.job.model.PageRecordSerializer;

/** Writes a {@link StreamWrite}: a frontier entry to its shard, a page record to the pages stream. */
public final class StreamWriteSerializer implements RedisStreamSerializer<StreamWrite> {
    private static final long serialVersionUID = 1L;

    private final FrontierEntrySerializer frontier;
    private final PageRecordSerializer pages;

    public StreamWriteSerializer(FrontierEntrySerializer frontier, PageRecordSerializer pages) {
        this.frontier = frontier;
        this.pages = pages;
    }

    @Override
    public RedisStreamEntry serialize(StreamWrite write) {
        return write.link() != null ? frontier.serialize(write.link()) : pages.serialize(write.page());
    }
}
