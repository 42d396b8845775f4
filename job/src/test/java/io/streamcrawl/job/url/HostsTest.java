package io.streamcrawl.job.url;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.org/                  | example.org",
        "https://WWW.Example.ORG:8443/a?b#c   | www.example.org",
        "http://user:pw@example.org:80/       | example.org",
        "http://example.org?q=1               | example.org",
        "http://example.org#x                 | example.org",
        "http://127.0.0.1:43123/pages/1.html  | 127.0.0.1",
        "http://[::1]:8080/                   | [::1]",
        "http://[2001:DB8::1]/                | [2001:db8::1]",
    })
    void extractsTheHost(String url, String host) {
        assertThat(Hosts.hostOf(url)).contains(host);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Example.ORG          | example.org",
        "127.0.0.1            | 127.0.0.1",
        "[2001:DB8:0::1]      | [2001:db8::1]",
        "2001:db8:0:0:0:0:0:1 | [2001:db8::1]",
        "' [::1] '            | [::1]",
        "::ffff:127.0.0.1     | 127.0.0.1",
    })
    void canonicalHostsAreWhatHostOfGivesForNormalizedUrls(String host, String canonical) {
        assertThat(Hosts.canonical(host)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.org", "/path", "http://", "http:///a", "http://:80/", "mailto:a@b.org"})
    void hasNoHost(String url) {
        assertThat(Hosts.hostOf(url)).isEmpty();
    }

    @Test
    void shardIsStableAndInRange() {
        Map<Integer, Integer> perShard = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            String host = "host-" + i + ".example.org";
            int shard = Hosts.shardOf(host, 4);
            assertThat(shard).isBetween(0, 3).isEqualTo(Hosts.shardOf(host, 4));
            perShard.merge(shard, 1, Integer::sum);
        }
        assertThat(perShard).hasSize(4);
        assertThat(perShard.values()).allSatisfy(count -> assertThat(count).isBetween(2_200, 2_800));
        assertThat(Hosts.shardOf("example.org", 1)).isZero();
        for (int shards = 1; shards < 100; shards++) {
            assertThat(Hosts.shardOf("example.org", shards)).isBetween(0, shards - 1);
        }
    }

    @Test
    void shardIgnoresCaseAndIsPinned() {
        assertThat(Hosts.shardOf("Example.ORG", 16)).isEqualTo(Hosts.shardOf("example.org", 16));
        // Pinned: other producers compute the same shard; the algorithm must never change.
        assertThat(new int[] {Hosts.shardOf("example.org", 4), Hosts.shardOf("127.0.0.1", 4), Hosts.shardOf("www.wikipedia.org", 1024)})
                .containsExactly(PINNED_SHARDS);
    }

    @Test
    void rejectsBadShardCounts() {
        assertThatThrownBy(() -> Hosts.shardOf("example.org", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hosts.shardOf(null, 4)).isInstanceOf(NullPointerException.class);
    }

    private static final int[] PINNED_SHARDS = {3, 0, 298};
}
