package io.streamcrawl.job.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Loads the job's configuration: the defaults of {@link CrawlerOptions}, then a YAML file
 * (nested keys, {@code --config FILE}, else the crawler.yaml bundled in the jar), then
 * {@code --key value} arguments. Unknown keys are rejected so a typo is not silently ignored.
 */
public final class CrawlerConfigLoader {
    private static final String BUNDLED = "/crawler.yaml";
    private static final Set<String> KNOWN =
            CrawlerOptions.ALL.stream().map(ConfigOption::key).collect(Collectors.toSet());

    private CrawlerConfigLoader() {}

    public static Configuration fromArgs(String[] args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value, got '" + arg + "'");
            }
            String key = arg.substring(2);
            String value = args[++i];
            if (key.equals("config")) {
                file = Path.of(value);
            } else {
                overrides.put(key, value);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (file == null) {
            try (InputStream in = CrawlerConfigLoader.class.getResourceAsStream(BUNDLED)) {
                if (in != null) {
                    values.putAll(flatten(in, BUNDLED));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled " + BUNDLED, e);
            }
        } else {
            try (InputStream in = Files.newInputStream(file)) {
                values.putAll(flatten(in, file.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the configuration file " + file, e);
            }
        }
        values.putAll(overrides);
        return of(values);
    }

    /** A configuration from flat keys, rejecting unknown ones. */
    public static Configuration of(Map<String, String> values) {
        List<String> unknown = values.keySet().stream().filter(k -> !KNOWN.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration keys " + unknown + "; known keys: "
                    + KNOWN.stream().sorted().toList());
        }
        Configuration configuration = Configuration.fromMap(values);
        for (ConfigOption<?> option : CrawlerOptions.ALL) {
            try {
                configuration.get(option);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid value '" + values.get(option.key()) + "' for " + option.key(), e);
            }
        }
        return configuration;
    }

    /** The flat {@code a.b: value} view of a nested YAML document. */
    static Map<String, String> flatten(InputStream yaml, String source) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        Map<String, String> flat = new LinkedHashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new IllegalArgumentException(source + " must be a YAML mapping");
            }
            flatten("", root, flat);
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
            }
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }
}
