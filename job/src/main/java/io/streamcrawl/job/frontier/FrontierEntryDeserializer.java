package io.streamcrawl.job.frontier;

import io.streamcrawl.connectors.redis.source.RedisStreamDeserializer;
import io.streamcrawl.job.control.TaskKeys;
import io.streamcrawl.job.url.UrlNormalizer;

import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Decodes a frontier stream entry (fields {@code url}, {@code task}, optional {@code depth},
 * {@code priority}, {@code parent}, {@code kind}) into a {@link FrontierEntry} with a normalized
 * URL. A malformed entry throws, which makes the source count, log and skip it.
 */
public final class FrontierEntryDeserializer implements RedisStreamDeserializer<FrontierEntry> {
    @Override
    public void deserialize(String stream, String id, Map<String, String> fields, Collector<FrontierEntry> out) {
        String kind = fields.getOrDefault("kind", "url");
        if (!kind.equals("url")) {
            throw new IllegalArgumentException("unsupported kind '" + kind + "'");
        }
        String url = required(fields, "url");
        String task = required(fields, "task");
        if (!TaskKeys.isValidTaskName(task)) {
            throw new IllegalArgumentException("invalid task name '" + task + "'");
        }
        String normalized = UrlNormalizer.normalize(url)
                .orElseThrow(() -> new IllegalArgumentException("url '" + url + "' is not an http(s) URL"));
        int depth = number(fields, "depth");
        if (depth < 0) {
            throw new IllegalArgumentException("negative depth " + depth);
        }
        out.collect(new FrontierEntry(normalized, task, depth, number(fields, "priority"), fields.get("parent")));
    }

    @Override
    public TypeInformation<FrontierEntry> getProducedType() {
        return TypeInformation.of(FrontierEntry.class);
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing field '" + name + "'");
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
