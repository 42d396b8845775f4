package io.streamcrawl.job.model;

import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.job.config.TaskNames;
import io.streamcrawl.job.url.UrlNormalizer;

import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Decodes a frontier stream entry into a {@link FrontierEntry} with a normalized URL. Every kind
 * has {@code url} and {@code task}; {@code url} and {@code sitemap} entries may have
 * {@code depth}, {@code priority}, {@code parent}, {@code redirects}, {@code retry}, {@code release} and
 * what a sitemap said of the URL, {@code lastmod} (epoch ms) or {@code changefreq_ms}; feedback has {@code signal}
 * (required for {@code host}), {@code status}, {@code error}, {@code retry_after_ms}, {@code cause},
 * {@code released_at} and, for {@code robots}, {@code body}; a {@code capture} has {@code status},
 * {@code released_at}, {@code captured_at} and may have {@code etag}, {@code last_modified} and {@code digest}.
 * A malformed entry throws, which makes the source count, log and skip it.
 */
public final class FrontierEntryDeserializer implements RedisStreamDeserializer<FrontierEntry> {
    @Override
    public void deserialize(String stream, String id, Map<String, String> fields, Collector<FrontierEntry> out) {
        String kindName = fields.getOrDefault("kind", EntryKind.URL.wireName());
        EntryKind kind = EntryKind.ofWireName(kindName)
                .orElseThrow(() -> new IllegalArgumentException("unsupported kind '" + kindName + "'"));
        String url = required(fields, "url");
        String task = required(fields, "task");
        if (!TaskNames.isValid(task)) {
            throw new IllegalArgumentException("invalid task name '" + task + "'");
        }
        String normalized = UrlNormalizer.normalize(url)
                .orElseThrow(() -> new IllegalArgumentException("url '" + url + "' is not an http(s) URL"));
        int depth = nonNegative(fields, "depth");
        out.collect(FrontierEntry.builder(normalized, task)
                .depth(depth)
                .priority(number(fields, "priority"))
                .parent(fields.get("parent"))
                .kind(kind)
                .retry("true".equals(fields.get("retry")))
                .feedback(feedback(kind, fields))
                .redirects(nonNegative(fields, "redirects"))
                .attempt(nonNegative(fields, "attempt"))
                .release(longField(fields, "release"))
                .change(ChangeHint.of(longField(fields, "lastmod"), longField(fields, "changefreq_ms")))
                .build());
    }

    @Override
    public TypeInformation<FrontierEntry> getProducedType() {
        return TypeInformation.of(FrontierEntry.class);
    }

    private static HostFeedback feedback(EntryKind kind, Map<String, String> fields) {
        String signalName = fields.get("signal");
        if (signalName == null && kind == EntryKind.HOST) {
            throw new IllegalArgumentException("missing field 'signal'");
        }
        if (signalName == null && kind != EntryKind.ROBOTS && kind != EntryKind.CAPTURE) {
            return null;
        }
        HostSignal signal = signalName == null ? null : HostSignal.ofWireName(signalName)
                .orElseThrow(() -> new IllegalArgumentException("unsupported signal '" + signalName + "'"));
        String retryAfter = fields.get("retry_after_ms");
        // An unknown cause (a newer build's) reads as none: the status and error still tell.
        String cause = fields.get("cause");
        return HostFeedback.builder(signal).status(number(fields, "status")).error(fields.get("error"))
                .body(fields.get("body")).retryAfterMs(retryAfter == null ? -1 : nonNegative(fields, "retry_after_ms"))
                .cause(cause == null ? FailureCause.NONE : FailureCause.ofWireName(cause))
                .releasedAt(longField(fields, "released_at"))
                .validators(kind != EntryKind.CAPTURE ? null : new PageValidators(fields.get("etag"),
                        fields.get("last_modified"), fields.get("digest"), longField(fields, "captured_at")))
                .build();
    }

    private static long longField(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' is not an integer: '" + value + "'");
        }
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return value;
    }

    private static int nonNegative(Map<String, String> fields, String name) {
        int value = number(fields, name);
        if (value < 0) {
            throw new IllegalArgumentException("negative " + name + " " + value);
        }
        return value;
    }

    private static int number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' is not an integer: '" + value + "'");
        }
    }
}
