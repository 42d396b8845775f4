package io.streamcrawl.job.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.streamcrawl.job.url.Hosts;
import io.streamcrawl.job.url.UrlNormalizer;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Merges seed URLs given on a command line into a task spec's JSON: they join {@code seeds}, and
 * their hosts join {@code scope.allowPrivateHosts} (naming a host is the user's explicit intent,
 * so the SSRF guard lets it be a loopback or private address) and, when the spec lists
 * {@code scope.hosts}, those too, so the seeds are in scope. The rest of the spec stays as
 * written: its defaults are the job's, not frozen here.
 */
public final class TaskSpecSeeds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskSpecSeeds() {}

    /**
     * The spec with {@code urls} merged in; a spec that is not a JSON object comes back unchanged
     * for {@link TaskSpecParser} to reject with its reason.
     */
    public static String merge(String specJson, List<String> urls) {
        if (urls.isEmpty()) {
            return specJson;
        }
        JsonNode root;
        try {
            root = JSON.readTree(specJson);
        } catch (JsonProcessingException e) {
            return specJson;
        }
        if (!(root instanceof ObjectNode spec)) {
            return specJson;
        }
        Optional<ArrayNode> seeds = array(spec, "seeds");
        Optional<ObjectNode> scope = object(spec, "scope");
        if (seeds.isEmpty() || scope.isEmpty()) {
            return specJson;
        }
        Optional<ArrayNode> privateHosts = array(scope.get(), "allowPrivateHosts");
        Optional<ArrayNode> scopeHosts = scope.get().get("hosts") instanceof ArrayNode hosts && !hosts.isEmpty()
                ? Optional.of(hosts) : Optional.empty();
        if (privateHosts.isEmpty()) {
            return specJson;
        }
        for (String url : urls) {
            addIfAbsent(seeds.get(), url, UnaryOperator.identity());
            Optional<String> host = UrlNormalizer.normalize(url).flatMap(Hosts::hostOf);
            host.ifPresent(h -> addIfAbsent(privateHosts.get(), h, Hosts::canonical));
            host.ifPresent(h -> scopeHosts.ifPresent(hosts -> addIfAbsent(hosts, h, Hosts::canonical)));
        }
        return spec.toString();
    }

    /** The array at {@code field}, created when absent; empty when the field holds something else. */
    private static Optional<ArrayNode> array(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return Optional.of(parent.putArray(field));
        }
        return node instanceof ArrayNode array ? Optional.of(array) : Optional.empty();
    }

    private static Optional<ObjectNode> object(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return Optional.of(parent.putObject(field));
        }
        return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    }

    private static void addIfAbsent(ArrayNode values, String value, UnaryOperator<String> key) {
        for (JsonNode present : values) {
            if (present.isTextual() && key.apply(present.asText()).equals(key.apply(value))) {
                return;
            }
        }
        values.add(value);
    }
}
