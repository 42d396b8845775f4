package io.streamcrawl.job.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** crawlctl's commands against a real etcd and redis-server, as scripts/crawl.sh calls them. */
class CrawlctlITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String ROOT = "/crawlctl/";

    @TempDir Path dir;

    /** {@code scripts/crawl.sh https://site/ --spec politeness.json --until-idle} puts the spec this way. */
    @Test
    void taskPutMergesTheCommandLineSeedsIntoASpecWithoutSeeds() throws IOException {
        Path politeness = Files.writeString(dir.resolve("politeness.json"),
                "{\"politeness\": {\"delayMs\": 0, \"maxInFlightPerHost\": 4}}");

        assertThat(crawlctl("task", "put", "site", politeness.toString(), "http://127.0.0.1:18080/", "https://example.org/a"))
                .isEqualTo("task site: spec written\n");

        try (TaskRegistry registry = new TaskRegistry(new ControlPlane(ETCD.endpoint(), ROOT))) {
            TaskSpec spec = TaskSpecParser.parse(registry.get("site", TaskKeys.SPEC).orElseThrow().value()).spec();
            assertThat(spec.seeds()).containsExactly("http://127.0.0.1:18080/", "https://example.org/a");
            assertThat(spec.scope().allowPrivateHosts()).containsExactly("127.0.0.1", "example.org");
            assertThat(spec.politeness().maxInFlightPerHost()).isEqualTo(4);
            assertThat(registry.seedsPending("site")).isTrue();
        }
    }

    private static String crawlctl(String... command) {
        List<String> args = new ArrayList<>(options());
        args.addAll(List.of(command));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Crawlctl.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8))).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> options() {
        return List.of("--redis.host", REDIS.host(), "--redis.port", String.valueOf(REDIS.port()),
                "--etcd.endpoints", ETCD.endpoint(), "--etcd.prefix", ROOT);
    }
}
