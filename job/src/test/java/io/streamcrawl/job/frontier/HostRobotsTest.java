package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class HostRobotsTest {
    private static final TaskSpec OBEYS = TaskSpecParser.parse("{\"seeds\": [\"http://a.org/\"]}").spec();
    private static final TaskSpec IGNORES =
            TaskSpecParser.parse("{\"seeds\": [\"http://a.org/\"], \"robots\": {\"obey\": false}}").spec();
    private final HostRobots robots =
            new HostRobots(new MemoryMapState<>(), new RobotsPolicy(RobotsSettings.from(new Configuration())));

    @Test
    void theFirstUrlAsksForRobotsTxtAndTheOthersWaitForItsAnswer() throws Exception {
        HostRobots.Admission first = robots.admit("http://a.org/x", OBEYS, false, 1_000);
        assertThat(first.verdict()).isEqualTo(HostRobots.Verdict.FETCH_ROBOTS);
        assertThat(first.robotsUrl()).isEqualTo("http://a.org/robots.txt");
        assertThat(robots.admit("http://a.org/y", OBEYS, false, 1_001).verdict()).isEqualTo(HostRobots.Verdict.WAIT);

        robots.answer("http://a.org/robots.txt",
                HostFeedback.robots(200, null, "User-agent: *\nDisallow: /private\nCrawl-delay: 2\n"), 1_002);

        HostRobots.Admission allowed = robots.admit("http://a.org/y", OBEYS, false, 1_003);
        assertThat(allowed.verdict()).isEqualTo(HostRobots.Verdict.ALLOWED);
        assertThat(allowed.crawlDelayMs()).isEqualTo(2_000);
        assertThat(robots.admit("http://a.org/private/z", OBEYS, false, 1_003).verdict())
                .isEqualTo(HostRobots.Verdict.DENIED);
        assertThat(robots.admit("http://a.org/private/z", IGNORES, false, 1_003).verdict())
                .as("a task that does not obey").isEqualTo(HostRobots.Verdict.ALLOWED);
    }

    @Test
    void aDeferredRequestIsAskedAgainAndAMissingRobotsTxtAllowsAll() throws Exception {
        robots.admit("http://a.org/x", OBEYS, false, 1_000);
        robots.answer("http://a.org/robots.txt", HostFeedback.of(HostSignal.BUSY, 0, "deferred"), 1_001);
        assertThat(robots.admit("http://a.org/x", OBEYS, false, 1_002).verdict()).isEqualTo(HostRobots.Verdict.FETCH_ROBOTS);

        robots.answer("http://a.org/robots.txt", HostFeedback.robots(404, null, null), 1_003);
        assertThat(robots.admit("http://a.org/private/x", OBEYS, false, 1_004).verdict())
                .isEqualTo(HostRobots.Verdict.ALLOWED);
    }

    @Test
    void anIdleHostForgetsItsRobotsTxtOnceItsTtlHasPassed() throws Exception {
        robots.admit("http://a.org/x", OBEYS, false, 1_000);
        robots.answer("http://a.org/robots.txt", HostFeedback.robots(404, null, null), 1_001);

        long keepUntil = robots.forgetLapsed(1_002);
        assertThat(keepUntil).as("kept for its TTL").isGreaterThan(1_002);
        assertThat(robots.forgetLapsed(keepUntil)).isZero();
        assertThat(robots.admit("http://a.org/x", OBEYS, false, keepUntil).verdict())
                .isEqualTo(HostRobots.Verdict.FETCH_ROBOTS);
    }
}
