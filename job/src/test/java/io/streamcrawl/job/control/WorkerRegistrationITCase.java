package io.streamcrawl.job.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.FaultProxy;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.EtcdKv;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker's registration against a real etcd, directly and through a TCP proxy that cuts it off. */
class WorkerRegistrationITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration REFRESH = Duration.ofMillis(200);
    /** etcd checks for expired leases every 500 ms. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(1);
    private static final WorkerInfo IDENTITY = new WorkerInfo("tm-a", "10.0.0.7", 1, 2, 0, 0, 0, 0);

    private final AtomicLong released = new AtomicLong();
    private final CapturedCounters metrics = new CapturedCounters();
    /** The test's own view of etcd, never through the proxy. */
    @AutoClose private Client etcd;

    @BeforeEach
    void connect() {
        etcd = new ControlPlane(ETCD.endpoint(), "/").connect();
    }

    @Test
    void writesWhoItIsAndWhatItHoldsAndRemovesTheEntryOnClose() {
        WorkerRegistrySettings settings = settings(ETCD.endpoint(), "/close/");
        String key;
        try (WorkerRegistration worker = new WorkerRegistration(settings, IDENTITY, () -> new WorkerRegistration.Load(3, released.get()), metrics)) {
            key = worker.key();
            assertThat(key).isEqualTo("/close/jobs/crawl/workers/tm-a/1");
            await().atMost(Duration.ofSeconds(10)).until(() -> read(key).isPresent());
            released.addAndGet(100);
            await().atMost(Duration.ofSeconds(10)).until(() -> read(key).map(WorkerInfo::pagesPerSecond).orElse(0.0) > 0);
            WorkerInfo info = read(key).orElseThrow();
            assertThat(info).extracting(WorkerInfo::taskManager, WorkerInfo::host, WorkerInfo::subtask, WorkerInfo::parallelism,
                            WorkerInfo::attempt, WorkerInfo::hostsHeld)
                    .containsExactly("tm-a", "10.0.0.7", 1, 2, 0, 3L);
            assertThat(info.updatedAt()).isPositive();
            assertThat(entry(key).orElseThrow().getLease()).as("attached to a lease").isNotZero();
        }
        assertThat(read(key)).as("revoked on close, at once").isEmpty();
        assertThat(metrics.failures.getCount()).isZero();
    }

    @Test
    void lapsesWithinItsTtlWhileEtcdIsCutOffCountsTheFailuresAndRegistersAgainAfter() {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", ETCD.port());
                WorkerRegistration worker = new WorkerRegistration(settings("http://" + proxy.address(), "/outage/"),
                        IDENTITY, () -> new WorkerRegistration.Load(1, released.get()), metrics)) {
            String key = worker.key();
            await().atMost(Duration.ofSeconds(10)).until(() -> entry(key).isPresent());
            long firstLease = entry(key).orElseThrow().getLease();

            proxy.partition();
            long cut = System.nanoTime();
            await().atMost(TTL.plus(EXPIRY_SLACK)).until(() -> entry(key).isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThanOrEqualTo(TTL.plus(EXPIRY_SLACK));
            await().atMost(Duration.ofSeconds(10)).until(() -> metrics.failures.getCount() > 0);

            proxy.heal();
            await().atMost(Duration.ofSeconds(20)).until(() -> entry(key).isPresent());
            assertThat(entry(key).orElseThrow().getLease()).as("a new lease").isNotEqualTo(firstLease);
            assertThat(read(key).orElseThrow().hostsHeld()).isEqualTo(1);
            // Registered again: no more failures.
            long failures = metrics.failures.getCount();
            await().during(TTL).atMost(TTL.multipliedBy(2)).until(() -> metrics.failures.getCount() == failures
                    && entry(key).isPresent());
        }
    }

    private static WorkerRegistrySettings settings(String endpoint, String root) {
        return new WorkerRegistrySettings(new ControlPlane(endpoint, root), "crawl", TTL, REFRESH);
    }

    private Optional<WorkerInfo> read(String key) {
        return entry(key).map(kv -> WorkerInfo.fromJson(kv.getValue().toString(StandardCharsets.UTF_8)));
    }

    private Optional<KeyValue> entry(String key) {
        List<KeyValue> kvs = EtcdKv.await(etcd.getKVClient().get(EtcdKv.bytes(key))).getKvs();
        return kvs.stream().findFirst();
    }

    /** A metric group that keeps the registration's failure counter, for the test to read. */
    private static final class CapturedCounters extends UnregisteredMetricsGroup {
        final SimpleCounter failures = new SimpleCounter();

        @Override
        @SuppressWarnings("unchecked")
        public <C extends Counter> C counter(String name, C counter) {
            assertThat(name).isEqualTo(WorkerRegistration.FAILURES);
            return (C) failures;
        }

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }
    }
}
