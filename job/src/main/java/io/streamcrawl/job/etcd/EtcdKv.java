package io.streamcrawl.job.etcd;

import io.streamcrawl.connectors.etcd.reader.EtcdErrors;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.util.ExceptionUtils;

/**
 * Blocking reads and compare-and-set writes of single etcd keys, with a bounded wait: the
 * building block of the transactions through which subtasks and jobs agree (seeding, budgets,
 * sketches). A compare-and-set compares the key's mod revision, so it fails when anyone wrote
 * the key since it was read; callers re-read and retry. A request that gets no answer in time, or
 * fails in a way a later one may not (no connection, no leader), throws {@link UnavailableException}.
 */
public final class EtcdKv {
    static final long TIMEOUT_SECONDS = 10;
    private static final Set<Status.Code> RETRYABLE = EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.UNKNOWN, Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED);

    /** A key's value and the revision it was last written at; revision 0 means the key is absent. */
    public record Versioned(byte[] value, long modRevision, long createRevision) {
        static final Versioned ABSENT = new Versioned(new byte[0], 0, 0);

        public boolean present() {
            return modRevision != 0;
        }

        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** etcd did not answer, or failed in a way a retry may fix: the caller may wait and try again. */
    public static final class UnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KV kv;

    public EtcdKv(Client etcd) {
        this.kv = etcd.getKVClient();
    }

    public Versioned read(String key) {
        return versioned(await(kv.get(bytes(key))).getKvs());
    }

    /** Reads {@code keys} in one request, all at one revision of the store; in the order given. */
    public Map<String, Versioned> read(List<String> keys) {
        Txn txn = kv.txn().Then(keys.stream().map(key -> Op.get(bytes(key), GetOption.DEFAULT)).toArray(Op[]::new));
        List<GetResponse> found = await(txn.commit()).getGetResponses();
        Map<String, Versioned> values = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            values.put(keys.get(i), versioned(found.get(i).getKvs()));
        }
        return values;
    }

    private static Versioned versioned(List<KeyValue> kvs) {
        if (kvs.isEmpty()) {
            return Versioned.ABSENT;
        }
        KeyValue found = kvs.get(0);
        return new Versioned(found.getValue().getBytes(), found.getModRevision(), found.getCreateRevision());
    }

    /** Writes {@code value} unless the key changed since {@code expected} was read; whether it wrote. */
    public boolean putIfUnchanged(String key, Versioned expected, byte[] value) {
        return putIfUnchanged(Map.of(key, expected), Map.of(key, value));
    }

    private static Cmp unchanged(ByteSequence key, Versioned expected) {
        return expected.present()
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expected.modRevision()))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
    }

    /**
     * Writes every key of {@code values} unless a key of {@code expected} changed since it was
     * read, in one transaction; whether it wrote.
     */
    public boolean putIfUnchanged(Map<String, Versioned> expected, Map<String, byte[]> values) {
        Txn txn = kv.txn().If(expected.entrySet().stream().map(e -> unchanged(bytes(e.getKey()), e.getValue()))
                .toArray(Cmp[]::new));
        txn.Then(values.entrySet().stream().map(e -> Op.put(bytes(e.getKey()), ByteSequence.from(e.getValue()),
                PutOption.DEFAULT)).toArray(Op[]::new));
        return await(txn.commit()).isSucceeded();
    }

    /** Writes unconditionally; returns the revision of the write. */
    public long put(String key, String value) {
        return await(kv.put(bytes(key), bytes(value))).getHeader().getRevision();
    }

    public static <T> T await(CompletableFuture<T> future) {
        return await(future, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** The future's result within {@code timeout}, failing as {@link #await(CompletableFuture)} does. */
    public static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            String message = "etcd request failed: " + e.getCause().getMessage();
            throw isRetryable(e.getCause())
                    ? new UnavailableException(message, e.getCause())
                    : new IllegalStateException(message, e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            String took = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
            throw new UnavailableException("etcd did not answer in " + took, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    /**
     * Whether a failed request may succeed later: etcd unreachable or gone mid-request (a closed
     * channel comes as UNKNOWN), no leader, overloaded; not a refused TLS handshake or user, nor a
     * request etcd rejects as such.
     */
    private static boolean isRetryable(Throwable failure) {
        if (EtcdErrors.permanentFailure(failure) != null) {
            return false;
        }
        Status.Code code = ExceptionUtils.findThrowable(failure, EtcdException.class)
                .map(e -> Status.Code.valueOf(e.getErrorCode().name()))
                .orElse(Status.fromThrowable(failure).getCode());
        return RETRYABLE.contains(code);
    }

    public static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
