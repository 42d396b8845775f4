package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The connector knows nothing of crawling: no source file refers to the crawl job's packages. */
class ConnectorBoundaryTest {
    @Test
    void noMainSourceImportsTheCrawler() throws IOException {
        Path main = Path.of("src/main/java");
        assertThat(main).isDirectory();
        try (Stream<Path> files = Files.walk(main)) {
            List<Path> offending = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(ConnectorBoundaryTest::mentionsTheJob)
                    .collect(Collectors.toList());
            assertThat(offending).isEmpty();
        }
    }

    private static boolean mentionsTheJob(Path file) {
        try {
            return Files.readString(file).contains("io.streamcrawl.job");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
