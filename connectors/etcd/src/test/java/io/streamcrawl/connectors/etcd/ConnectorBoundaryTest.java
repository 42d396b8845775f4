package io.streamcrawl.connectors.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The connector knows nothing of crawling: its sources import no other streamcrawl package. */
class ConnectorBoundaryTest {

    @Test
    void mainSourcesImportOnlyThisConnectorFromStreamcrawl() throws IOException {
        Path main = Path.of("src/main/java");
        List<String> offending;
        try (Stream<Path> files = Files.walk(main)) {
            offending = files.filter(p -> p.toString().endsWith(".java"))
                    .flatMap(ConnectorBoundaryTest::imports)
                    .filter(line -> line.contains(" io.streamcrawl.")
                            && !line.contains(" io.streamcrawl.connectors.etcd."))
                    .toList();
        }

        assertThat(main).isDirectory();
        assertThat(offending).isEmpty();
    }

    private static Stream<String> imports(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith("import "))
                    .map(line -> file.getFileName() + ": " + line);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
