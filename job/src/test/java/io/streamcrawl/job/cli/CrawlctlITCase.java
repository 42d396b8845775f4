package io.streamcrawl.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** crawlctl's commands against a real etcd and redis-server, as scripts/crawl.sh calls them. */
class CrawlctlITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String ROOT = "/crawlctl/";

    @TempDir Path dir;

    @BeforeEach
    void noTasks() {
        try (TaskRegistry registry = new TaskRegistry(new ControlPlane(ETCD.endpoint(), ROOT))) {
            registry.list().keySet().forEach(registry::delete);
        }
    }

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

    /** gRPC inside jetcd logs through java.util.logging, which would print INFO lines among crawlctl's. */
    @Test
    void theCliPrintsOnlyItsOwnLines() throws Exception {
        crawlctl("task", "put", "quiet", Files.writeString(dir.resolve("spec.json"), "{}").toString(), "https://example.org/");
        // As scripts/crawlctl runs it: the log4j configuration sends logging to a file.
        Path log = dir.resolve("crawlctl.log");
        Path log4j = Files.writeString(dir.resolve("log4j-cli.properties"), String.join("\n",
                "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = file",
                "appender.file.name = file", "appender.file.type = File", "appender.file.fileName = " + log,
                "appender.file.layout.type = PatternLayout", "appender.file.layout.pattern = %p %c %m%n"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j.configurationFile=" + log4j, "-cp", System.getProperty("java.class.path"),
                Crawlctl.class.getName()));
        command.addAll(options());
        command.addAll(List.of("task", "list"));
        Path stdout = dir.resolve("stdout");
        Path stderr = dir.resolve("stderr");
        Process cli = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();

        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).isZero();
        assertThat(Files.readString(stderr)).isEmpty();
        assertThat(Files.readString(stdout)).isEqualTo(String.format("%-24s enabled=%-5s status=%s%n", "quiet", "false", "-"));
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
