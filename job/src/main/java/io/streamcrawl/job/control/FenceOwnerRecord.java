package io.streamcrawl.job.control;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job fence's record in etcd: the owner key, whose value names its holder by the job's token,
 * and the transactions that take it ({@link #tryAcquire}: put if absent, else take over from an
 * earlier attempt of the same job). What {@link JobFence} keeps alive and verifies is the lease
 * an acquisition returns.
 */
final class FenceOwnerRecord implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FenceOwnerRecord.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final String TOKEN = "token=";

    /** The outcome of one acquisition: a lease when acquired, else the current holder. */
    record Attempt(long lease, long revision, String holder, long holderLease, long holderTtl) {
        boolean acquired() {
            return lease != 0;
        }
    }

    private final EtcdConnectionConfig etcd;
    private final String key;
    private final String token;
    private final String jobName;
    private final long ttlSeconds;

    FenceOwnerRecord(EtcdConnectionConfig etcd, String key, String token, String jobName, long ttlSeconds) {
        this.etcd = etcd;
        this.key = key;
        this.token = token;
        this.jobName = jobName;
        this.ttlSeconds = ttlSeconds;
    }

    /** One round of the protocol: put if absent, else take over from an earlier attempt of this job. */
    Attempt tryAcquire(Client client, String by) {
        ByteSequence k = bytes(key);
        ByteSequence value = bytes(TOKEN + token + " job=" + jobName + " holder=" + by + " since=" + Instant.now());
        long lease = await(client.getLeaseClient().grant(ttlSeconds)).getID();
        PutOption withLease = PutOption.builder().withLeaseId(lease).build();
        while (true) {
            TxnResponse create = await(client.getKVClient().txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(k, value, withLease))
                    .Else(Op.get(k, GetOption.DEFAULT))
                    .commit());
            if (create.isSucceeded()) {
                return new Attempt(lease, create.getHeader().getRevision(), null, 0, 0);
            }
            List<KeyValue> kvs = create.getGetResponses().get(0).getKvs();
            if (kvs.isEmpty()) {
                continue;   // deleted between the compare and the get: try again
            }
            KeyValue current = kvs.get(0);
            String holder = current.getValue().toString(StandardCharsets.UTF_8);
            if (!token.equals(tokenOf(holder))) {
                long holderTtl = current.getLease() == 0 ? -1
                        : await(client.getLeaseClient().timeToLive(current.getLease(), LeaseOption.DEFAULT)).getTTL();
                revokeQuietly(client, lease);
                return new Attempt(0, 0, holder, current.getLease(), holderTtl);
            }
            TxnResponse takeOver = await(client.getKVClient().txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())))
                    .Then(Op.put(k, value, withLease))
                    .commit());
            if (takeOver.isSucceeded()) {
                if (current.getLease() != 0) {
                    revokeQuietly(client, current.getLease());   // the previous attempt's lease: now attached to nothing
                }
                return new Attempt(lease, takeOver.getHeader().getRevision(), null, 0, 0);
            }
        }
    }

    /** The refusal of an acquisition that found another job's token, naming the holder. */
    JobFence.FenceHeldException held(Attempt attempt) {
        return new JobFence.FenceHeldException("crawl namespace " + key + " is held by another job: " + describe(attempt)
                + ". One job per crawl namespace: stop or cancel that job first; after a crash its lease expires"
                + " within fence.lease-ttl. Set fence.wait to make a submission wait instead of failing.");
    }

    static String describe(Attempt attempt) {
        String lease = attempt.holderLease() == 0 ? "no lease"
                : "lease " + Long.toHexString(attempt.holderLease()) + ", " + attempt.holderTtl() + " s left";
        return "'" + attempt.holder() + "' (" + lease + ")";
    }

    /** The token in an owner key's value; empty when it has none. */
    static String tokenOf(String ownerValue) {
        for (String part : ownerValue.split(" ")) {
            if (part.startsWith(TOKEN)) {
                return part.substring(TOKEN.length());
            }
        }
        return "";
    }

    static void revokeQuietly(Client client, long lease) {
        client.getLeaseClient().revoke(lease).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("Revoking lease {} failed: {}", Long.toHexString(lease), e.toString());
            }
        });
    }

    /** Waits for an etcd request at most {@link #REQUEST_TIMEOUT}, saying why when it found no connection. */
    <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("etcd request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            // jetcd waits for a connection without saying why it has none (a refused TLS handshake, say).
            String why = etcd.diagnose(REQUEST_TIMEOUT).map(found -> ": " + found.cause()).orElse("");
            throw new IllegalStateException("etcd did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s" + why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
