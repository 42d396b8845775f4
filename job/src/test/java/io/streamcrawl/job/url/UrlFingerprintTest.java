package io.streamcrawl.job.url;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class UrlFingerprintTest {

    @Test
    void isStable() {
        UrlFingerprint fingerprint = UrlFingerprint.of("https://example.org/");
        assertThat(UrlFingerprint.of("https://example.org/")).isEqualTo(fingerprint);
        // Pinned: the fingerprint is persisted in keyed state and must never change.
        assertThat(fingerprint.toHex()).isEqualTo(PINNED_EXAMPLE_ORG);
    }

    @Test
    void differsForDifferentUrls() {
        Set<UrlFingerprint> fingerprints = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            fingerprints.add(UrlFingerprint.of("https://example.org/pages/" + i + ".html"));
        }
        assertThat(fingerprints).hasSize(100_000);
        assertThat(UrlFingerprint.of("http://example.org/")).isNotEqualTo(UrlFingerprint.of("https://example.org/"));
    }

    @Test
    void usesBothHalves() {
        UrlFingerprint fingerprint = UrlFingerprint.of("https://example.org/a");
        assertThat(fingerprint.high()).isNotZero();
        assertThat(fingerprint.low()).isNotZero().isNotEqualTo(fingerprint.high());
        assertThat(fingerprint.toHex()).hasSize(32).matches("[0-9a-f]{32}");
    }

    @Test
    void isAFlinkPojoForKeyedState() {
        assertThat(TypeInformation.of(UrlFingerprint.class)).isInstanceOf(PojoTypeInfo.class);
    }

    private static final String PINNED_EXAMPLE_ORG = "44b48810b549fe4e0f48db7a5b9933f1";
}
