package io.streamcrawl.connectors.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;

import java.nio.charset.StandardCharsets;

/** Writes to the test etcd and returns the revision of each write. */
final class EtcdTestClient implements AutoCloseable {
    private final Client client;

    EtcdTestClient(String endpoint) {
        this.client = Client.builder().endpoints(endpoint).build();
    }

    long put(String key, String value) throws Exception {
        return client.getKVClient().put(bytes(key), bytes(value)).get().getHeader().getRevision();
    }

    long delete(String key) throws Exception {
        return client.getKVClient().delete(bytes(key), DeleteOption.DEFAULT).get().getHeader().getRevision();
    }

    /** Compacts etcd's history up to the current revision, which it returns. */
    long compactAll() throws Exception {
        long revision = client.getKVClient().get(bytes("/")).get().getHeader().getRevision();
        client.getKVClient().compact(revision).get();
        return revision;
    }

    @Override
    public void close() {
        client.close();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
