package io.streamcrawl.job.frontier;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Per task, the value parsed from the task's current JSON in the broadcast state, parsed again
 * only when the JSON changes: the scheduler asks on every tick, the JSON changes rarely. Holds at
 * most one value per task however often it changes.
 *
 * @param <V> what the JSON parses to; the parser may answer null (a JSON that no longer parses)
 */
final class ParsedPerTask<V> {
    private record Parsed<V>(String json, V value) {}

    private final Map<String, Parsed<V>> parsed = new HashMap<>();
    /** (task, json) to value. */
    private final BiFunction<String, String, V> parser;

    ParsedPerTask(BiFunction<String, String, V> parser) {
        this.parser = parser;
    }

    /** The value of the task's {@code json}; null, and the task forgotten, when there is none. */
    V of(String task, String json) {
        if (json == null) {
            parsed.remove(task);
            return null;
        }
        Parsed<V> current = parsed.get(task);
        if (current == null || !current.json().equals(json)) {
            current = new Parsed<>(json, parser.apply(task, json));
            parsed.put(task, current);
        }
        return current.value();
    }
}
