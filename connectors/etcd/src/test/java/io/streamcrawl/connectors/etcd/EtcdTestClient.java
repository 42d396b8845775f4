package io.streamcrawl.connectors.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.DeleteOption;
import io.streamcrawl.testing.EtcdServerExtension;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Writes to the test etcd and returns the revision of each write. Register it after the
 * {@link EtcdServerExtension} it talks to; it connects once per test class:
 *
 * <pre>{@code @RegisterExtension static final EtcdTestClient etcd = new EtcdTestClient(ETCD);}</pre>
 */
public final class EtcdTestClient implements BeforeAllCallback, AfterAllCallback {
    private final EtcdServerExtension server;
    private Client client;

    public EtcdTestClient(EtcdServerExtension server) {
        this.server = server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        client = Client.builder().endpoints(server.endpoint()).build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
    }

    public long put(String key, String value) throws Exception {
        return kv().put(bytes(key), bytes(value)).get().getHeader().getRevision();
    }

    public long delete(String key) throws Exception {
        return kv().delete(bytes(key), DeleteOption.DEFAULT).get().getHeader().getRevision();
    }

    /** Compacts etcd's history up to the current revision, which it returns. */
    public long compactAll() throws Exception {
        long revision = kv().get(bytes("/")).get().getHeader().getRevision();
        kv().compact(revision).get();
        return revision;
    }

    /** The client's KV API, for what the methods above do not cover (transactions). */
    public KV kv() {
        return client.getKVClient();
    }

    public static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
