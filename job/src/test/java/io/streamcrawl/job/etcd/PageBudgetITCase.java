package io.streamcrawl.job.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.FaultProxy;

import io.etcd.jetcd.Client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Page budget reservations against a real etcd behind a proxy that loses replies. */
class PageBudgetITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    @Test
    void aReservationWhoseReplyIsLostIsGrantedByTheNextOneNotReservedAgain(TestInfo test) {
        TaskKeys keys = new TaskKeys("/" + test.getTestMethod().orElseThrow().getName() + "/");
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", ETCD.port());
                Client etcd = Client.builder().endpoints("http://" + proxy.address()).build()) {
            EtcdKv kv = new EtcdKv(etcd);
            PageBudget budget = new PageBudget(kv, keys, 4, 0);
            String budgetKey = keys.key("news", TaskKeys.BUDGET);
            // Only the reservation's transaction names the subtask's mark key.
            proxy.holdRepliesAfter(keys.budgetMarkKey("news", 0));
            CompletableFuture<Long> lost = CompletableFuture.supplyAsync(() -> budget.reserve("news", 100, 1));
            try (Client direct = Client.builder().endpoints(ETCD.endpoint()).build()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> "4".equals(new EtcdKv(direct).read(budgetKey).text()));
            }
            proxy.resetConnections();
            assertThat(lost).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(EtcdKv.UnavailableException.class);

            assertThat(budget.reserve("news", 100, 1)).as("the lost reservation's pages").isEqualTo(4);
            assertThat(kv.read(budgetKey).text()).isEqualTo("4");
            assertThat(budget.reserve("news", 100, 1)).isEqualTo(4);
            assertThat(kv.read(budgetKey).text()).isEqualTo("8");
        }
    }
}
