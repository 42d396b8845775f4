package io.streamcrawl.job.api;

import io.streamcrawl.job.config.TaskSpecParser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Changes of a task's spec that the URLFrontier API makes (SetCrawlLimit, SetDelay without a
 * queue): one field set in the spec's JSON, every other field kept as written, and the result
 * checked as {@code crawlctl task put} checks a spec.
 */
final class SpecEdits {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecEdits() {}

    /** The spec with {@code maxPages} (the task's page budget; 0: unlimited). */
    static String withMaxPages(String specJson, long maxPages) {
        return with(specJson, maxPages, "maxPages");
    }

    /** The spec with {@code politeness.delayMs} (every host's spacing). */
    static String withDelayMs(String specJson, long delayMs) {
        return with(specJson, delayMs, "politeness", "delayMs");
    }

    private static String with(String specJson, long value, String... path) {
        ObjectNode node;
        try {
            JsonNode root = JSON.readTree(specJson);
            if (!(root instanceof ObjectNode object)) {
                throw new IllegalArgumentException("the task's spec is not a JSON object");
            }
            node = object;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the task's spec is not JSON: " + e.getOriginalMessage(), e);
        }
        ObjectNode root = node;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            node = child instanceof ObjectNode object ? object : node.putObject(path[i]);
        }
        node.put(path[path.length - 1], value);
        String json = root.toString();
        TaskSpecParser.Result parsed = TaskSpecParser.parse(json);
        if (!parsed.accepted()) {
            throw new IllegalArgumentException("the changed spec is rejected: " + parsed.rejection());
        }
        return json;
    }
}
