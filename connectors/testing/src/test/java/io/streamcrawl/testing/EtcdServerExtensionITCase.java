package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness's etcd answers puts, watches and compare-and-put transactions. */
class EtcdServerExtensionITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    void watchSeesPutsUnderPrefix() throws Exception {
        try (Client client = Client.builder().endpoints(ETCD.endpoint()).build();
                Watch watch = client.getWatchClient()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            long first = client.getKVClient().put(bytes("/w/a"), bytes("1")).get().getHeader().getRevision();
            client.getKVClient().put(bytes("/other"), bytes("1")).get();
            client.getKVClient().delete(bytes("/w/a")).get();
            // From the first put's revision: a watch is set up asynchronously and could miss events made before.
            WatchOption option = WatchOption.builder().isPrefix(true).withRevision(first).build();
            try (Watch.Watcher watcher = watch.watch(bytes("/w/"), option, response -> response.getEvents().forEach(
                    e -> seen.add(e.getEventType() + " " + e.getKeyValue().getKey().toString(StandardCharsets.UTF_8))))) {
                await().until(() -> seen.size() == 2);
                assertThat(seen).containsExactly(WatchEvent.EventType.PUT + " /w/a", WatchEvent.EventType.DELETE + " /w/a");
            }
        }
    }

    @Test
    void compareAndPutTransactionSucceedsOnlyOnTheExpectedRevision() throws Exception {
        try (Client client = Client.builder().endpoints(ETCD.endpoint()).build()) {
            KV kv = client.getKVClient();
            long revision = kv.put(bytes("/t/budget"), bytes("0")).get().getHeader().getRevision();

            TxnResponse first = casPut(kv, revision, "100");
            TxnResponse stale = casPut(kv, revision, "200");

            assertThat(first.isSucceeded()).isTrue();
            assertThat(stale.isSucceeded()).isFalse();
            assertThat(kv.get(bytes("/t/budget")).get().getKvs().get(0).getValue().toString(StandardCharsets.UTF_8))
                    .isEqualTo("100");
        }
    }

    private static TxnResponse casPut(KV kv, long modRevision, String value) throws Exception {
        return kv.txn()
                .If(new Cmp(bytes("/t/budget"), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.put(bytes("/t/budget"), bytes(value), PutOption.DEFAULT))
                .commit()
                .get();
    }
}
