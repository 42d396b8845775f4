package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.PageBudget;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.testing.EtcdServerExtension;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Page budgets reserved from a real etcd that is stopped and started again: "no grant now", never a failure. */
class TaskBudgetsITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final TaskKeys KEYS = new TaskKeys("/budgets/");

    @Test
    void anUnreachableEtcdMeansNoGrantNowWithoutBlockingAndTheBudgetStaysExact() throws Exception {
        SimpleCounter unavailable = new SimpleCounter();
        try (Client etcd = Client.builder().endpoints(ETCD.endpoint()).build();
                TaskBudgets budgets = new TaskBudgets(new PageBudget(new EtcdKv(etcd), KEYS, 4, 0), 1, unavailable)) {
            // A chunk of 4 of the 10 pages (the first reservation may take longer than a grant's wait
            // while the client connects); 3 spent before etcd goes away, the 4th after.
            await().atMost(Duration.ofSeconds(10)).until(() -> budgets.hasGrant("news", 10));
            for (int i = 0; i < 3; i++) {
                assertThat(budgets.hasGrant("news", 10)).isTrue();
                assertThat(budgets.take("news", 10)).isTrue();
            }
            ETCD.stop();
            try {
                assertThat(budgets.hasGrant("news", 10)).isTrue();
                assertThat(budgets.take("news", 10)).isTrue();

                assertThat(budgets.hasGrant("news", 10)).isFalse();
                // While the reservation waits for etcd, asking again costs nothing.
                long start = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    assertThat(budgets.hasGrant("news", 10)).isFalse();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !budgets.hasGrant("news", 10) && unavailable.getCount() > 0);
                assertThat(unavailable.getCount()).isEqualTo(1);
            } finally {
                ETCD.start();
            }

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> budgets.hasGrant("news", 10));
            // Each reservation may take longer than a grant's wait on a loaded machine: takeAll asks until it answers.
            int taken = 4 + takeAll(budgets, "news", 10);
            assertThat(taken).isEqualTo(10);
            assertThat(budgets.hasGrant("news", 10)).isTrue();
            assertThat(budgets.take("news", 10)).isFalse();
            assertThat(etcd.getKVClient().get(ByteSequence.from(KEYS.key("news", TaskKeys.BUDGET), StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("10");
        }
    }

    @Test
    void aRaisedMaxPagesReopensASpentBudgetThroughTheBackgroundReservations() throws Exception {
        try (Client etcd = Client.builder().endpoints(ETCD.endpoint()).build();
                TaskBudgets budgets = new TaskBudgets(new PageBudget(new EtcdKv(etcd), KEYS, 4, 0), 1, new SimpleCounter())) {
            assertThat(takeAll(budgets, "docs", 2)).isEqualTo(2);
            assertThat(budgets.take("docs", 2)).isFalse();

            assertThat(takeAll(budgets, "docs", 3)).isEqualTo(1);
            assertThat(budgets.take("docs", 3)).isFalse();
        }
    }

    /** Takes pages until the budget is spent, waiting for each grant; how many it took. */
    private static int takeAll(TaskBudgets budgets, String task, long maxPages) {
        int taken = 0;
        while (true) {
            await().atMost(Duration.ofSeconds(10)).until(() -> budgets.hasGrant(task, maxPages));
            if (!budgets.take(task, maxPages)) {
                return taken;
            }
            taken++;
        }
    }
}
