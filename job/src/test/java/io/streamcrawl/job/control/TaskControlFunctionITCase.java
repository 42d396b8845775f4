package io.streamcrawl.job.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.job.model.FrontierEntrySerializer;
import io.streamcrawl.job.model.TaskEvent;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import java.util.Optional;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.UnifiedJedis;

/** Task control keys become task events; every spec gets its verdict in the task's status key in a real etcd. */
class TaskControlFunctionITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String ROOT = "/sc/";
    private static final String VALID = "{\"seeds\": [\"https://a.org/\"]}";

    @Test
    void validSpecsPassAndInvalidOnesAreRejectedWithTheReasonInTheirStatus() throws Exception {
        try (OneInputStreamOperatorTestHarness<EtcdKeyEvent, TaskEvent> harness = harness();
                TaskRegistry registry = new TaskRegistry(new ControlPlane(ETCD.endpoint(), ROOT))) {
            harness.processElement(EtcdKeyEvent.put("/sc/tasks/news/spec", VALID, 2), 0);
            await().until(() -> status(registry, "news").equals(Optional.of("accepted")));

            harness.processElement(EtcdKeyEvent.put("/sc/tasks/news/spec", "{\"seeds\": [\"https://a.org/\"], \"depth\": 3}", 3), 0);
            await().until(() -> status(registry, "news").equals(Optional.of("rejected: unknown field 'depth'")));

            harness.processElement(EtcdKeyEvent.put("/sc/tasks/bad name/spec", VALID, 4), 0);
            await().until(() -> status(registry, "bad name").map(s -> s.startsWith("rejected: invalid task name")).orElse(false));

            // The rejected spec produced no event: the schedulers keep the task's previous spec.
            assertThat(harness.extractOutputValues()).containsExactly(TaskEvent.spec("news", VALID));
        }
    }

    @Test
    void enabledFlagsAndDeletesBecomeEvents() throws Exception {
        try (OneInputStreamOperatorTestHarness<EtcdKeyEvent, TaskEvent> harness = harness()) {
            harness.processElement(EtcdKeyEvent.put("/sc/tasks/news/enabled", "true\n", 5), 0);
            harness.processElement(EtcdKeyEvent.put("/sc/tasks/news/enabled", "no", 6), 0);
            harness.processElement(EtcdKeyEvent.delete("/sc/tasks/news/enabled", 7), 0);
            harness.processElement(EtcdKeyEvent.put("/sc/tasks/news/status", "accepted", 8), 0);
            harness.processElement(EtcdKeyEvent.delete("/sc/tasks/news/spec", 9), 0);

            assertThat(harness.extractOutputValues()).containsExactly(
                    TaskEvent.enabled("news", true),
                    TaskEvent.enabled("news", false),
                    TaskEvent.enabled("news", false),
                    TaskEvent.deleted("news"));
        }
    }

    @Test
    void hostControlsAndTheirRemovalBecomeEvents() throws Exception {
        String controls = "{\"hosts\":{\"a.example\":{\"blockedUntil\":5000,\"delayMs\":null}}}";
        try (OneInputStreamOperatorTestHarness<EtcdKeyEvent, TaskEvent> harness = harness()) {
            harness.processElement(EtcdKeyEvent.put("/sc/tasks/news/hosts", controls, 5), 0);
            harness.processElement(EtcdKeyEvent.delete("/sc/tasks/news/hosts", 6), 0);

            assertThat(harness.extractOutputValues()).containsExactly(
                    TaskEvent.hosts("news", controls), TaskEvent.hosts("news", null));
        }
    }

    private static OneInputStreamOperatorTestHarness<EtcdKeyEvent, TaskEvent> harness() throws Exception {
        OneInputStreamOperatorTestHarness<EtcdKeyEvent, TaskEvent> harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new TaskControlFunction(new ControlPlane(ETCD.endpoint(), ROOT),
                        RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build(),
                        new FrontierEntrySerializer("sc:frontier:", 1))));
        harness.open();
        return harness;
    }

    @Test
    void anAcceptedSpecIsSeededOnceEvenWhenItsEventIsReplayed() throws Exception {
        try (TaskRegistry registry = new TaskRegistry(new ControlPlane(ETCD.endpoint(), ROOT));
                UnifiedJedis redis = RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build().createClient("test")) {
            String spec = "{\"seeds\": [\"https://seeded.org/\"]}";
            EtcdKeyEvent event = EtcdKeyEvent.put("/sc/tasks/seeded/spec", spec, registry.putSpec("seeded", spec));
            for (int run = 0; run < 2; run++) {
                try (OneInputStreamOperatorTestHarness<EtcdKeyEvent, TaskEvent> harness = harness()) {
                    harness.processElement(event, 0);
                }
            }
            assertThat(redis.xrange("sc:frontier:0", "-", "+"))
                    .extracting(entry -> entry.getFields().get("url"))
                    .containsExactly("https://seeded.org/");
        }
    }

    private static Optional<String> status(TaskRegistry registry, String task) {
        return registry.get(task, TaskKeys.STATUS).map(TaskRegistry.Value::value);
    }
}
