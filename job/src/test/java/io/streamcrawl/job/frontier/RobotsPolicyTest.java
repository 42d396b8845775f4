package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import crawlercommons.robots.BaseRobotRules;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class RobotsPolicyTest {
    private static final String ORIGIN = "https://a.org";
    private static final long NOW = 1_700_000_000_000L;
    private static final String ROBOTS = String.join("\n",
            "User-agent: *",
            "Disallow: /",
            "",
            "User-agent: streamcrawl",
            "Disallow: /private",
            "Allow: /private/open",
            "Crawl-delay: 3600",
            "Sitemap: https://a.org/sitemap.xml");

    private final RobotsPolicy policy = new RobotsPolicy(
            new RobotsSettings(Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(30)));

    @Test
    void matchesTheProductTokenOfTheUserAgent() {
        assertThat(RobotsPolicy.agentToken("streamcrawl/0.1 (+https://example.org/bot)")).isEqualTo("streamcrawl");
        assertThat(RobotsPolicy.agentToken("My_Bot-2/1.0")).isEqualTo("my_bot-");
        assertThat(RobotsPolicy.agentToken("/1.0")).isEmpty();

        BaseRobotRules ours = policy.rules(ORIGIN, answer(200, ROBOTS), "streamcrawl/0.1");
        BaseRobotRules others = policy.rules(ORIGIN, answer(200, ROBOTS), "otherbot/2.0");

        assertThat(ours.isAllowed("https://a.org/page")).isTrue();
        assertThat(ours.isAllowed("https://a.org/private/x")).isFalse();
        assertThat(ours.isAllowed("https://a.org/private/open/x")).isTrue();
        assertThat(others.isAllowed("https://a.org/page")).isFalse();
        assertThat(policy.rules("https://b.org", answer(200, ROBOTS), "/1.0").isAllowed("https://b.org/page")).isFalse();
    }

    @Test
    void capsALongCrawlDelayInsteadOfDisallowingEverything() {
        BaseRobotRules rules = policy.rules(ORIGIN, answer(200, ROBOTS), "streamcrawl");

        assertThat(rules.isAllowed("https://a.org/page")).isTrue();
        assertThat(RobotsPolicy.crawlDelayMs(rules, 30_000)).isEqualTo(30_000);
        // Rules are cached per origin and answer time, so other answers need other origins here.
        assertThat(RobotsPolicy.crawlDelayMs(
                policy.rules("https://b.org", answer(200, "User-agent: *\nCrawl-delay: 2"), "x"), 30_000)).isEqualTo(2_000);
        assertThat(RobotsPolicy.crawlDelayMs(
                policy.rules("https://c.org", answer(200, "User-agent: *\nAllow: /"), "x"), 30_000)).isZero();
    }

    @Test
    void followsRfc9309ForMissingAndUnreachableFiles() {
        RobotsRecord notFound = answer(404, null);
        RobotsRecord forbidden = answer(403, null);
        RobotsRecord serverError = answer(503, null);
        RobotsRecord tooMany = answer(429, null);
        RobotsRecord noAnswer = new RobotsRecord(0, null, "timeout", NOW, 0, false, NOW);
        RobotsRecord refused = new RobotsRecord(0, null, "refused: a.org is a private address", NOW, 0, true, 0);

        assertThat(policy.rules(ORIGIN, notFound, "streamcrawl").isAllowed("https://a.org/anything")).isTrue();
        assertThat(policy.rules(ORIGIN, forbidden, "streamcrawl").isAllowed("https://a.org/anything")).isTrue();
        assertThat(serverError.unreachable()).isTrue();
        assertThat(tooMany.unreachable()).isTrue();
        assertThat(noAnswer.unreachable()).isTrue();
        assertThat(notFound.unreachable()).isFalse();
        assertThat(refused.unreachable()).isFalse();
        assertThat(policy.current(refused, NOW + Duration.ofMinutes(10).toMillis())).isFalse();
        assertThat(answer(200, ROBOTS).unreachable()).isFalse();
    }

    @Test
    void answersExpireAfterTheirTtlAndRequestsAfterTheTimeout() {
        assertThat(policy.current(RobotsRecord.NONE, NOW)).isFalse();
        assertThat(policy.current(answer(200, ROBOTS), NOW + Duration.ofHours(23).toMillis())).isTrue();
        assertThat(policy.current(answer(200, ROBOTS), NOW + Duration.ofHours(24).toMillis())).isFalse();
        assertThat(policy.current(answer(503, null), NOW + Duration.ofMinutes(9).toMillis())).isTrue();
        assertThat(policy.current(answer(503, null), NOW + Duration.ofMinutes(10).toMillis())).isFalse();

        RobotsRecord requested = RobotsRecord.NONE.requested(NOW);
        assertThat(policy.pending(requested, NOW + Duration.ofMinutes(1).toMillis())).isTrue();
        assertThat(policy.pending(requested, NOW + Duration.ofMinutes(2).toMillis())).isFalse();
        assertThat(policy.pending(requested.cancelled(), NOW)).isFalse();
    }

    @Test
    void givesUpOnARobotsTxtUnreachableForTheGiveUpTimeAtItsLastAnswer() {
        RobotsRecord first = RobotsRecord.NONE.answered(503, null, null, NOW, false);
        RobotsRecord second = first.requested(NOW + minutes(10)).answered(0, null, "timeout", NOW + minutes(10), false);
        RobotsRecord third = second.cancelled().answered(429, null, null, NOW + minutes(20), false);
        RobotsRecord fourth = third.answered(500, null, null, NOW + minutes(30), false);

        assertThat(List.of(first, second, third, fourth)).extracting(RobotsRecord::unreachableSince).containsOnly(NOW);
        assertThat(List.of(first, second, third)).noneMatch(policy::givenUp);
        assertThat(third.unreachableForMs()).isEqualTo(minutes(20));
        // Judged at the answers: 20 minutes at the third, which stands until the fourth arrives.
        assertThat(policy.givenUp(fourth)).isTrue();

        RobotsRecord recovered = fourth.answered(200, "User-agent: *\nAllow: /\n", null, NOW + minutes(40), false);
        assertThat(policy.givenUp(recovered)).isFalse();
        assertThat(recovered.unreachableSince()).isZero();
        RobotsRecord failingAgain = recovered.answered(503, null, null, NOW + minutes(50), false);
        assertThat(failingAgain.unreachableSince()).isEqualTo(NOW + minutes(50));
        assertThat(policy.givenUp(failingAgain)).isFalse();

        assertThat(fourth.answered(404, null, null, NOW + minutes(40), false).unreachableForMs()).isZero();
        assertThat(policy.givenUp(fourth.answered(0, null, "refused: private", NOW + minutes(40), true))).isFalse();
    }

    @Test
    void aRecordKeptBeforeTheFirstFailureTimeExistedCountsFromItsLastAnswer() {
        RobotsRecord legacy = new RobotsRecord(503, null, null, NOW, 0, false, 0);

        assertThat(legacy.unreachableForMs()).isZero();
        assertThat(policy.givenUp(legacy.answered(503, null, null, NOW + minutes(30), false))).isTrue();
    }

    private static long minutes(long minutes) {
        return Duration.ofMinutes(minutes).toMillis();
    }

    private static RobotsRecord answer(int status, String body) {
        return RobotsRecord.NONE.answered(status, body, null, NOW, false);
    }
}
