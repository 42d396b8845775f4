package io.streamcrawl.connectors.redis.source.reader;

import java.util.Map;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * An entry the split took over from another consumer while it was reading: emitted out of stream
 * order, so the emitter records its ID among the split's claimed IDs instead of moving the split's
 * position.
 */
final class ClaimedStreamEntry extends StreamEntry {
    private static final long serialVersionUID = 1L;

    ClaimedStreamEntry(StreamEntryID id, Map<String, String> fields) {
        super(id, fields);
    }
}
