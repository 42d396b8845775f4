package io.streamcrawl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * YAML read into model classes strictly: a field the class does not have fails the read. The
 * operator's spec classes say {@code ignoreUnknown} and fabric8's keep unknown fields in an
 * "additional properties" map (an any-setter), because the API server prunes what its schema
 * does not know; here both are turned off, so a misspelt or misplaced field is an error, as
 * {@code kubectl apply --validate=strict} makes it.
 */
final class StrictYaml {
    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory()).setAnnotationIntrospector(new Strict());

    private StrictYaml() {}

    /** The documents of a (multi-document) YAML file. */
    static List<JsonNode> documents(Path file) {
        try {
            return MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file)).readAll().stream()
                    .filter(doc -> doc != null && !doc.isNull() && !doc.isMissingNode())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** {@code document} as an instance of {@code type}, failing on any field the type does not have. */
    static <T> T read(JsonNode document, Class<T> type) throws IOException {
        return MAPPER.treeToValue(document, type);
    }

    private static final class Strict extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
            return super.findPropertyIgnoralByName(config, annotated).withoutIgnoreUnknown();
        }

        @Override
        public Boolean hasAnySetter(Annotated annotated) {
            return Boolean.FALSE;
        }
    }
}
