package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every link of README.md and docs/*.md stays inside the repository: it is relative, names a file
 * that exists, and its anchor, if any, names a heading of that file. A fresh clone has no
 * ../shared or other sibling directory to link to.
 */
class DocumentationLinksTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCED = Pattern.compile("(?ms)^```.*?^```");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\n]*`");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

    @Test
    void everyLinkResolvesToAFileOrHeadingInTheRepository() throws IOException {
        List<Path> pages = documentationPages();
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                links++;
                problem(page, target).ifPresent(p -> broken.add(REPO.relativize(page) + ": " + target + " (" + p + ")"));
            }
        }

        assertThat(pages).contains(REPO.resolve("README.md"), REPO.resolve("docs/design.md"));
        assertThat(links).isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void aLinkOutsideTheRepositoryOrToAMissingHeadingIsCaught() throws IOException {
        Path readme = REPO.resolve("README.md");

        assertThat(problem(readme, "../shared/DESIGN.md")).hasValue("outside the repository");
        assertThat(problem(readme, "https://example.org/")).hasValue("not a relative link");
        assertThat(problem(readme, "docs/nothing.md")).hasValue("no such file");
        assertThat(problem(readme, "docs/design.md#no-such-heading")).hasValue("no such heading");
        assertThat(problem(readme, "docs/design.md#state-and-its-guarantees")).isEmpty();
        assertThat(problem(REPO.resolve("docs/tasks.md"), "../config/crawler.yaml")).isEmpty();
    }

    private static List<Path> documentationPages() throws IOException {
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            return Stream.concat(Stream.of(REPO.resolve("README.md")),
                    docs.filter(p -> p.toString().endsWith(".md")).sorted()).toList();
        }
    }

    /** Link targets outside code blocks and code spans, where brackets are not links. */
    private static List<String> links(String markdown) {
        String prose = CODE_SPAN.matcher(FENCED.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher m = LINK.matcher(prose);
        while (m.find()) {
            targets.add(m.group(1));
        }
        return targets;
    }

    private static Optional<String> problem(Path page, String target) throws IOException {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("/")) {
            return Optional.of("not a relative link");
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!resolved.startsWith(REPO)) {
            return Optional.of("outside the repository");
        }
        if (!Files.exists(resolved)) {
            return Optional.of("no such file");
        }
        if (hash >= 0 && resolved.toString().endsWith(".md")
                && !headingAnchors(Files.readString(resolved)).contains(target.substring(hash + 1))) {
            return Optional.of("no such heading");
        }
        return Optional.empty();
    }

    /** The anchors GitHub gives headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> headingAnchors(String markdown) {
        Matcher m = HEADING.matcher(FENCED.matcher(markdown).replaceAll(""));
        return m.results()
                .map(r -> r.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
