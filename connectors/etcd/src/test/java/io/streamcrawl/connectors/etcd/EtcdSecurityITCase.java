package io.streamcrawl.connectors.etcd;

import static io.streamcrawl.connectors.etcd.EtcdKeyEvent.put;
import static io.streamcrawl.connectors.etcd.EtcdTestClient.bytes;
import static io.streamcrawl.connectors.etcd.EtcdTestJobs.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.TlsCertificates;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.streamcrawl.connectors.etcd.metrics.EtcdSourceReaderMetrics;
import io.streamcrawl.connectors.etcd.reader.EtcdPrefixSplitReader;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source against an etcd that requires TLS with client certificates, and one that requires a
 * user and password: it reads and watches with the right credentials, and fails at once (not after
 * etcd.retry.timeout, 5 minutes) with a message saying what to check when they are wrong.
 */
class EtcdSecurityITCase {
    @RegisterExtension static final EtcdServerExtension TLS = EtcdServerExtension.withTls();
    @RegisterExtension static final EtcdServerExtension AUTH = EtcdServerExtension.withAuth();
    @RegisterExtension static final MiniClusterExtension FLINK = EtcdTestJobs.miniCluster();

    /** Well below etcd.retry.timeout: a failure within it was not retried as an outage. */
    private static final Duration FAILS_WITHIN = Duration.ofSeconds(30);
    private static final String WRONG_PASSWORD = "not-the-Password-42";

    @Test
    void readsAndWatchesOverTlsWithAClientCertificate() throws Exception {
        readsAndWatches(tls().build(), "tls");
    }

    @Test
    void readsAndWatchesAsAUserWithItsPassword() throws Exception {
        readsAndWatches(user(EtcdServerExtension.ROOT_PASSWORD), "auth");
    }

    @Test
    void anEndpointByAddressIsVerifiedAgainstTheAuthority() throws Exception {
        String byAddress = TLS.endpoint().replace("localhost", "127.0.0.1");
        readsAndWatches(tls().endpoints(byAddress).authority("localhost").build(), "authority");
    }

    @Test
    void aWrongPasswordFailsAtOnceNamingTheUserButNotThePassword() throws Exception {
        assertFailsAtOnce(user(WRONG_PASSWORD), "wrong-password", message -> assertThat(message)
                .contains(AUTH.endpoint() + " as " + EtcdServerExtension.ROOT_USER, "authentication failed")
                .doesNotContain(WRONG_PASSWORD));
    }

    @Test
    void withoutAClientCertificateTheSourceFailsAtOnce() throws Exception {
        EtcdConnectionConfig noCertificate = EtcdConnectionConfig.builder()
                .endpoints(TLS.endpoint())
                .caFile(TLS.certificates().caCertificate().toString())
                .build();

        assertFailsAtOnce(noCertificate, "no-certificate", message -> assertThat(message)
                .contains(TLS.endpoint(), "TLS"));
    }

    @Test
    void aRestoredSourceThatStartsWithTheWatchFailsAtOnceToo() throws Exception {
        EtcdConnectionConfig noCertificate = EtcdConnectionConfig.builder()
                .endpoints(TLS.endpoint())
                .caFile(TLS.certificates().caCertificate().toString())
                .build();
        long start = System.nanoTime();
        try (EtcdPrefixSplitReader reader = new EtcdPrefixSplitReader(noCertificate, new Configuration(),
                new EtcdSourceReaderMetrics(InternalSourceReaderMetricGroup.mock(new MetricListener().getMetricGroup())))) {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(new EtcdPrefixSplit("/restored/", 5))));

            assertThatThrownBy(() -> {
                while (System.nanoTime() - start < FAILS_WITHIN.toNanos()) {
                    reader.fetch();
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("prefix '/restored/' " + TLS.endpoint() + ": TLS");
        }
    }

    @Test
    void aHostNameTheCertificateDoesNotNameFailsAtOnce() throws Exception {
        EtcdConnectionConfig byAddress = tls().endpoints(TLS.endpoint().replace("localhost", "127.0.0.1")).build();

        assertFailsAtOnce(byAddress, "wrong-host", message -> assertThat(message).contains("127.0.0.1", "TLS"));
    }

    private static void readsAndWatches(EtcdConnectionConfig connection, String name) throws Exception {
        String prefix = "/" + name + "/";
        try (Client client = connection.newClient()) {
            long a = client.getKVClient().put(bytes(prefix + "a"), bytes("1")).get().getHeader().getRevision();
            JobClient job = start(connection, prefix, new Configuration(), name);
            try {
                List<EtcdKeyEvent> events = CollectingSink.events(name);
                await().atMost(TIMEOUT).until(() -> events.size() >= 1);
                long b = client.getKVClient().put(bytes(prefix + "b"), bytes("2")).get().getHeader().getRevision();
                await().atMost(TIMEOUT).until(() -> events.size() >= 2);

                assertThat(events).containsExactly(put(prefix + "a", "1", a), put(prefix + "b", "2", b));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static void assertFailsAtOnce(EtcdConnectionConfig connection, String name, Consumer<String> message)
            throws Exception {
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        long start = System.nanoTime();
        JobClient job = start(connection, "/" + name + "/", noRestarts, name);
        try {
            assertThatThrownBy(() -> job.getJobExecutionResult().get(FAILS_WITHIN.toMillis(), TimeUnit.MILLISECONDS))
                    .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "etcd watch source of prefix"))
                            .as("a cause naming the source in %s", ExceptionUtils.stringifyException(e))
                            .hasValueSatisfying(cause -> message.accept(cause.getMessage())));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAILS_WITHIN);
            assertThat(CollectingSink.events(name)).isEmpty();
        } finally {
            // A source that keeps retrying would hold the MiniCluster's slots for the other tests.
            job.cancel();
        }
    }

    private static JobClient start(EtcdConnectionConfig connection, String prefix, Configuration config, String name)
            throws Exception {
        EtcdWatchSourceBuilder source = EtcdWatchSource.builder().setConnection(connection).setPrefix(prefix);
        DataStreamSource<EtcdKeyEvent> events = EtcdTestJobs.sourceOf(source, Duration.ofMillis(500), config);
        events.sinkTo(CollectingSink.into(name));
        return events.getExecutionEnvironment().executeAsync("etcd security " + name);
    }

    private static EtcdConnectionConfig.Builder tls() {
        TlsCertificates certs = TLS.certificates();
        return EtcdConnectionConfig.builder()
                .endpoints(TLS.endpoint())
                .caFile(certs.caCertificate().toString())
                .clientCertificate(certs.clientCertificate().toString(), certs.clientKey().toString());
    }

    private static EtcdConnectionConfig user(String password) {
        return EtcdConnectionConfig.builder()
                .endpoints(AUTH.endpoint())
                .user(EtcdServerExtension.ROOT_USER, password)
                .build();
    }
}
