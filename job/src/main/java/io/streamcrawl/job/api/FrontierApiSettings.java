package io.streamcrawl.job.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import javax.security.auth.x500.X500Principal;

import org.apache.flink.configuration.Configuration;

import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_ALLOWED_SUBJECTS;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_HOST;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_PLAINTEXT_ON_LOOPBACK;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_PORT;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_TLS_CA_FILE;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_TLS_CERT_FILE;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_TLS_KEY_FILE;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_API_TOKEN;

/**
 * How the URLFrontier API server listens and whom it admits ({@code frontier-api.*}), checked
 * once: mutual TLS with a token or allowed subjects, or plain text on a loopback address by explicit option.
 *
 * @param allowedSubjects subjects of client certificates admitted without a token
 */
record FrontierApiSettings(String host, int port, String certFile, String keyFile, String caFile, String token,
        Set<X500Principal> allowedSubjects, boolean plaintext) {

    static FrontierApiSettings of(Configuration config) {
        Set<X500Principal> subjects;
        try {
            subjects = Arrays.stream(config.get(FRONTIER_API_ALLOWED_SUBJECTS).split(";"))
                    .map(String::trim).filter(s -> !s.isEmpty()).map(X500Principal::new).collect(Collectors.toSet());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FRONTIER_API_ALLOWED_SUBJECTS.key() + " holds a name that is not an"
                    + " RFC 2253 name: " + config.get(FRONTIER_API_ALLOWED_SUBJECTS), e);
        }
        FrontierApiSettings settings = new FrontierApiSettings(config.get(FRONTIER_API_HOST), config.get(FRONTIER_API_PORT),
                config.get(FRONTIER_API_TLS_CERT_FILE), config.get(FRONTIER_API_TLS_KEY_FILE),
                config.get(FRONTIER_API_TLS_CA_FILE), config.get(FRONTIER_API_TOKEN), Set.copyOf(subjects),
                config.get(FRONTIER_API_PLAINTEXT_ON_LOOPBACK));
        settings.check();
        return settings;
    }

    private void check() {
        if (plaintext) {
            if (!isLoopback(host)) {
                throw new IllegalArgumentException(FRONTIER_API_PLAINTEXT_ON_LOOPBACK.key() + " serves plain text on a"
                        + " loopback address only; " + FRONTIER_API_HOST.key() + " is " + host);
            }
            return;
        }
        require(FRONTIER_API_TLS_CERT_FILE.key(), certFile);
        require(FRONTIER_API_TLS_KEY_FILE.key(), keyFile);
        require(FRONTIER_API_TLS_CA_FILE.key(), caFile);
        // Any certificate the authority signed would do otherwise: name whom the API is for.
        if (token.isEmpty() && allowedSubjects.isEmpty()) {
            throw new IllegalArgumentException("the URLFrontier API needs " + FRONTIER_API_TOKEN.key() + " or "
                    + FRONTIER_API_ALLOWED_SUBJECTS.key() + " to decide whom it admits");
        }
    }

    private static void require(String key, String file) {
        if (file.isEmpty()) {
            throw new IllegalArgumentException("the URLFrontier API serves mutual TLS and needs " + key
                    + " (or " + FRONTIER_API_PLAINTEXT_ON_LOOPBACK.key() + " on a loopback address)");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
