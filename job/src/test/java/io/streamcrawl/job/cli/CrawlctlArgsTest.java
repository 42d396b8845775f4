package io.streamcrawl.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CrawlctlArgsTest {
    @Test
    void separatesWordsCrawlerOptionsAndOwnOptionsWhereverTheyStand() {
        CrawlctlArgs args = CrawlctlArgs.parse(new String[] {
            "--config", "crawler.yaml", "wait-idle", "--timeout", "60", "news", "--redis.port", "6380", "--json"});

        assertThat(args.words()).containsExactly("wait-idle", "news");
        assertThat(args.crawlerOptions()).containsExactly("--config", "crawler.yaml", "--redis.port", "6380");
        assertThat(args.ownOptions()).isEqualTo(Map.of("timeout", "60"));
        assertThat(args.json()).isTrue();
        assertThat(args.help()).isFalse();
    }

    @Test
    void aDashedWordWithoutAValueIsAWord() {
        assertThat(CrawlctlArgs.parse(new String[] {"seed", "news", "--x"}).words()).containsExactly("seed", "news", "--x");
    }

    @Test
    void helpIsAFlagWhereverItStands() {
        CrawlctlArgs args = CrawlctlArgs.parse(new String[] {"--help", "status", "news"});

        assertThat(args.help()).isTrue();
        assertThat(args.words()).containsExactly("status", "news");
        assertThat(args.crawlerOptions()).isEmpty();
        assertThat(CrawlctlArgs.parse(new String[] {"status", "-h"}).help()).isTrue();
    }

    @Test
    void ownOptionsAreWholeSecondsWithAFallback() {
        CrawlctlArgs args = CrawlctlArgs.parse(new String[] {"wait-idle", "news", "--progress", "10", "--timeout", "1.5"});

        assertThat(args.seconds("progress", 5)).isEqualTo(10);
        assertThat(args.seconds("unreachable-timeout", 300)).isEqualTo(300);
        assertThatThrownBy(() -> args.seconds("timeout", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--timeout takes whole seconds, got '1.5'");
    }

    @Test
    void noArgumentsIsNoWords() {
        assertThat(CrawlctlArgs.parse(new String[0])).isEqualTo(
                new CrawlctlArgs(List.of(), List.of(), Map.of(), false, false));
    }
}
