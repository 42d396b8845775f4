package io.streamcrawl.job.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcrawl.job.cli.Crawlctl;
import io.streamcrawl.job.config.CrawlerConfigLoader;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TlsCertificates;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job's etcd clients against an etcd that requires TLS with a client certificate and a user:
 * crawlctl and the job fence, configured by the etcd.* options alone.
 */
class ControlPlaneSecurityITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = EtcdServerExtension.withTlsAndAuth();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void crawlctlWritesAndListsTasksWithTheEtcdOptionsAsFlags() {
        assertThat(crawlctl("task", "enable", "news")).isEqualTo("task news: enabled\n");
        assertThat(crawlctl("task", "list")).startsWith("news").contains("enabled=true");
    }

    @Test
    void theJobFenceIsHeldAndReleased() throws Exception {
        JobFence fence = JobFence.forNewJob(CrawlerConfigLoader.of(options()));
        try (Client etcd = ControlPlane.of(CrawlerConfigLoader.of(options())).connect()) {
            try (JobFence.Holder holder = fence.hold("job-a")) {
                assertThat(owner(etcd, fence.key())).hasSize(1).first()
                        .satisfies(kv -> assertThat(FenceOwnerRecord.tokenOf(kv.getValue().toString(StandardCharsets.UTF_8)))
                                .isEqualTo(fence.token()));
            }
            assertThat(owner(etcd, fence.key())).isEmpty();
        }
    }

    @Test
    void withoutTheUserTheClientCertificateAloneIsRefused() {
        Map<String, String> noUser = new HashMap<>(options());
        noUser.remove("etcd.user");
        noUser.remove("etcd.password");

        assertThatThrownBy(() -> crawlctl(noUser, "task", "list"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("etcd request failed: PERMISSION_DENIED");
    }

    @Test
    void aSubmissionWithoutTheCaFileFailsWithTheTlsCauseNotATimeout() {
        Map<String, String> noCa = new HashMap<>(options());
        noCa.remove("etcd.tls.ca-file");
        JobFence fence = JobFence.forNewJob(CrawlerConfigLoader.of(noCa));

        assertThatThrownBy(() -> fence.reserve(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("etcd did not answer within 5 s: TLS with etcd failed (")
                .hasMessageContaining("check the CA file");
    }

    @Test
    void crawlctlWithoutTheCaFileNamesTheTlsCauseOfItsTimeout() {
        Map<String, String> noCa = new HashMap<>(options());
        noCa.remove("etcd.tls.ca-file");

        assertThatThrownBy(() -> crawlctl(noCa, "task", "list"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("etcd did not answer in 10 s: TLS with etcd failed (")
                .hasMessageContaining("check the CA file");
    }

    @Test
    void statusWithoutTheCaFileFailsAtOnceWithTheTlsCauseInsteadOfWaitingOutAnOutage() {
        Map<String, String> noCa = new HashMap<>(options());
        noCa.remove("etcd.tls.ca-file");
        long start = System.nanoTime();

        // A refused handshake is no outage: waiting the --unreachable-timeout cannot end it.
        assertThatThrownBy(() -> crawlctl(noCa, "status", "news", "--unreachable-timeout", "120"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("etcd did not answer in 10 s: TLS with etcd failed (")
                .hasMessageContaining("check the CA file");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    private static List<KeyValue> owner(Client etcd, String key) throws Exception {
        return etcd.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
    }

    private static String crawlctl(String... command) {
        return crawlctl(options(), command);
    }

    /** Runs crawlctl with {@code options} as {@code --key value} flags, as scripts/crawlctl passes them. */
    private static String crawlctl(Map<String, String> options, String... command) {
        List<String> args = new ArrayList<>();
        options.forEach((key, value) -> {
            args.add("--" + key);
            args.add(value);
        });
        args.addAll(List.of(command));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Crawlctl.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> options() {
        TlsCertificates certs = ETCD.certificates();
        return Map.of(
                "etcd.endpoints", ETCD.endpoint(),
                "etcd.prefix", "/secure/",
                "etcd.user", EtcdServerExtension.ROOT_USER,
                "etcd.password", EtcdServerExtension.ROOT_PASSWORD,
                "etcd.tls.ca-file", certs.caCertificate().toString(),
                "etcd.tls.cert-file", certs.clientCertificate().toString(),
                "etcd.tls.key-file", certs.clientKey().toString(),
                "fence.lease-ttl", "15 s",
                "redis.port", Integer.toString(REDIS.port()));
    }
}
