package io.streamcrawl.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrawlerConfigLoaderTest {
    @Test
    void crawlerYamlDocumentsEveryOptionWithItsDefault() throws Exception {
        Map<String, String> documented;
        try (InputStream in = Files.newInputStream(Path.of("../config/crawler.yaml"))) {
            documented = CrawlerConfigLoader.flatten(in, "crawler.yaml");
        }
        assertDocumentsEveryOptionWithItsDefault(documented);
    }

    @Test
    void theOptionsTableOfTheDocsListsEveryOptionWithItsDefault() throws Exception {
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = OPTION_ROW.matcher(Files.readString(Path.of("../docs/configuration.md")));
        while (row.find()) {
            assertThat(documented.put(row.group(1), row.group(2).equals("\"\"") ? "" : row.group(2)))
                    .as("row of " + row.group(1)).isNull();
        }
        assertDocumentsEveryOptionWithItsDefault(documented);
    }

    /** A table row of docs/configuration.md: | `key` | `default` | meaning |. */
    private static final Pattern OPTION_ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\| `([^`]*)` \\|");

    private static void assertDocumentsEveryOptionWithItsDefault(Map<String, String> documented) {
        Configuration fromDocs = CrawlerConfigLoader.of(documented);

        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(
                CrawlerOptions.ALL.stream().map(ConfigOption::key).collect(Collectors.toList()));
        for (ConfigOption<?> option : CrawlerOptions.ALL) {
            assertThat((Object) fromDocs.get(option)).as(option.key()).isEqualTo(option.defaultValue());
        }
    }

    @Test
    void argumentsOverrideTheFile() {
        Configuration config = CrawlerConfigLoader.fromArgs(new String[] {"--redis.port", "6379", "--stats.interval", "250 ms"});

        assertThat(config.get(CrawlerOptions.REDIS_PORT)).isEqualTo(6379);
        assertThat(config.get(CrawlerOptions.STATS_INTERVAL)).isEqualTo(Duration.ofMillis(250));
        assertThat(config.get(CrawlerOptions.FRONTIER_SHARDS)).isEqualTo(4);
    }

    @Test
    void theComposeConfigurationPointsTheJobAtTheContainersAndKeepsTheOtherDefaults() {
        Configuration config = CrawlerConfigLoader.fromArgs(new String[] {"--config", "../config/crawler-compose.yaml"});

        assertThat(config.get(CrawlerOptions.REDIS_HOST)).isEqualTo("redis");
        assertThat(config.get(CrawlerOptions.REDIS_PORT)).isEqualTo(6379);
        assertThat(config.get(CrawlerOptions.ETCD_ENDPOINTS)).isEqualTo("http://etcd:2379");
        assertThat(config.get(CrawlerOptions.FRONTIER_SHARDS)).isEqualTo(CrawlerOptions.FRONTIER_SHARDS.defaultValue());
    }

    @Test
    void theKubernetesConfigMapHoldsAValidConfigurationForTheClustersServices(@TempDir Path dir) throws Exception {
        JsonNode configMap = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../deploy/kubernetes/streamcrawl-config.yaml").toFile());
        Path file = Files.writeString(dir.resolve("crawler.yaml"), configMap.at("/data/crawler.yaml").asText());

        Configuration config = CrawlerConfigLoader.fromArgs(new String[] {"--config", file.toString()});

        assertThat(config.get(CrawlerOptions.REDIS_HOST)).isEqualTo("redis-0.redis.streamcrawl.svc");
        assertThat(config.get(CrawlerOptions.ETCD_ENDPOINTS)).contains("etcd-0.etcd", "etcd-1.etcd", "etcd-2.etcd");
        assertThat(config.get(CrawlerOptions.FRONTIER_SHARDS)).isEqualTo(16);
        assertThat(config.get(CrawlerOptions.FENCE_WAIT)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void unknownKeysAndBadValuesAreRejected() {
        assertThatThrownBy(() -> CrawlerConfigLoader.fromArgs(new String[] {"--redis.prot", "1"}))
                .hasMessageContaining("unknown configuration keys [redis.prot]");
        assertThatThrownBy(() -> CrawlerConfigLoader.fromArgs(new String[] {"--redis.port", "many"}))
                .hasMessageContaining("invalid value 'many' for redis.port");
        assertThatThrownBy(() -> CrawlerConfigLoader.fromArgs(new String[] {"--redis.port"}))
                .hasMessageContaining("expected --key value");
    }
}
