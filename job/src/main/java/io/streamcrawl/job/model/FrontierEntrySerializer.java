package io.streamcrawl.job.model;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSerializer;
import io.streamcrawl.job.url.Hosts;

import java.util.HashMap;
import java.util.Map;

/**
 * Writes a {@link FrontierEntry} to the frontier shard of its URL's host, in the public field
 * format; fields with their default value are left out.
 */
public final class FrontierEntrySerializer implements RedisStreamSerializer<FrontierEntry> {
    private final String streamPrefix;
    private final int shards;

    public FrontierEntrySerializer(String streamPrefix, int shards) {
        this.streamPrefix = streamPrefix;
        this.shards = shards;
    }

    /** The frontier stream that holds a URL's host. */
    public String streamOf(String url) {
        return streamPrefix + Hosts.shardOf(Hosts.hostOf(url).orElse(""), shards);
    }

    @Override
    public RedisStreamEntry serialize(FrontierEntry entry) {
        Map<String, String> fields = new HashMap<>();
        fields.put("url", entry.url());
        fields.put("task", entry.task());
        fields.put("depth", Integer.toString(entry.depth()));
        if (entry.priority() != 0) {
            fields.put("priority", Integer.toString(entry.priority()));
        }
        if (entry.parent() != null) {
            fields.put("parent", entry.parent());
        }
        if (entry.kind() != EntryKind.URL) {
            fields.put("kind", entry.kind().wireName());
        }
        if (entry.redirects() > 0) {
            fields.put("redirects", Integer.toString(entry.redirects()));
        }
        if (entry.attempt() > 0) {
            fields.put("attempt", Integer.toString(entry.attempt()));
        }
        if (entry.release() != 0) {
            fields.put("release", Long.toString(entry.release()));
        }
        if (entry.retry()) {
            fields.put("retry", "true");
        }
        ChangeHint change = entry.change();
        if (change != null && change.lastModified() > 0) {
            fields.put("lastmod", Long.toString(change.lastModified()));
        } else if (change != null) {
            fields.put("changefreq_ms", Long.toString(change.changeEveryMs()));
        }
        HostFeedback feedback = entry.feedback();
        if (feedback != null) {
            if (feedback.signal() != null) {
                fields.put("signal", feedback.signal().wireName());
            }
            if (feedback.status() != 0) {
                fields.put("status", Integer.toString(feedback.status()));
            }
            if (feedback.error() != null) {
                fields.put("error", feedback.error());
            }
            if (feedback.body() != null) {
                fields.put("body", feedback.body());
            }
            if (feedback.retryAfterMs() >= 0) {
                fields.put("retry_after_ms", Long.toString(feedback.retryAfterMs()));
            }
            if (feedback.cause() != FailureCause.NONE) {
                fields.put("cause", feedback.cause().wireName());
            }
            if (feedback.releasedAt() != 0) {
                fields.put("released_at", Long.toString(feedback.releasedAt()));
            }
            PageValidators validators = feedback.validators();
            if (validators != null) {
                putIfPresent(fields, "etag", validators.etag());
                putIfPresent(fields, "last_modified", validators.lastModified());
                putIfPresent(fields, "digest", validators.payloadDigest());
                fields.put("captured_at", Long.toString(validators.capturedAt()));
            }
        }
        return new RedisStreamEntry(streamOf(entry.url()), fields);
    }

    private static void putIfPresent(Map<String, String> fields, String name, String value) {
        if (value != null) {
            fields.put(name, value);
        }
    }
}
