package io.streamcrawl.job.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcrawl.job.config.CrawlerConfigLoader;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Test;

class FrontierApiSettingsTest {
    private static final Map<String, String> TLS = Map.of(
            "frontier-api.tls.cert-file", "server.crt", "frontier-api.tls.key-file", "server.key",
            "frontier-api.tls.ca-file", "ca.crt");

    @Test
    void mutualTlsWithSubjectsSeparatedBySemicolons() {
        FrontierApiSettings settings = settings(TLS, Map.of("frontier-api.allowed-subjects", "CN=a,O=x; CN=b"));

        assertThat(settings.plaintext()).isFalse();
        assertThat(settings.allowedSubjects()).isEqualTo(Set.of(new X500Principal("CN=a,O=x"), new X500Principal("CN=b")));
    }

    @Test
    void tlsWithoutAFileOrWithoutAnyoneToAdmitIsRefused() {
        Map<String, String> noCa = new HashMap<>(TLS);
        noCa.remove("frontier-api.tls.ca-file");

        assertThatThrownBy(() -> settings(noCa, Map.of("frontier-api.token", "t")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frontier-api.tls.ca-file");
        assertThatThrownBy(() -> settings(TLS, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frontier-api.allowed-subjects");
    }

    @Test
    void plainTextOnlyOnALoopbackAddress() {
        assertThat(settings(Map.of("frontier-api.plaintext-on-loopback", "true"), Map.of()).plaintext()).isTrue();
        assertThat(settings(Map.of("frontier-api.plaintext-on-loopback", "true"), Map.of("frontier-api.host", "::1")).plaintext())
                .isTrue();
        assertThatThrownBy(() -> settings(Map.of("frontier-api.plaintext-on-loopback", "true"),
                Map.of("frontier-api.host", "0.0.0.0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frontier-api.host is 0.0.0.0");
    }

    @Test
    void withoutTlsFilesAndWithoutThePlainTextOptionNothingIsServed() {
        assertThatThrownBy(() -> settings(Map.of(), Map.of("frontier-api.token", "t")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frontier-api.tls.cert-file");
    }

    private static FrontierApiSettings settings(Map<String, String> base, Map<String, String> more) {
        Map<String, String> options = new HashMap<>(base);
        options.putAll(more);
        return FrontierApiSettings.of(CrawlerConfigLoader.of(options));
    }
}
