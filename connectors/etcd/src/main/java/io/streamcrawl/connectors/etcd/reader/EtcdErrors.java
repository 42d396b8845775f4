package io.streamcrawl.connectors.etcd.reader;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;

import javax.annotation.Nullable;
import javax.net.ssl.SSLException;

import org.apache.flink.util.ExceptionUtils;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies the errors jetcd reports. */
public final class EtcdErrors {
    private EtcdErrors() {}

    /** The cause under the wrappers that futures add. */
    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * Whether etcd refused because the requested revision was compacted: a watch says so with a
     * {@link CompactedException}, a range read with OUT_OF_RANGE "required revision has been
     * compacted".
     */
    static boolean isCompaction(Throwable t) {
        if (t instanceof CompactedException) {
            return true;
        }
        return t instanceof EtcdException e
                && e.getErrorCode() == ErrorCode.OUT_OF_RANGE
                && String.valueOf(e.getMessage()).contains("compacted");
    }

    /**
     * What is wrong when etcd refused in a way no retry can fix, or null for a failure worth
     * retrying (etcd unreachable, a leader election, a timeout): a TLS handshake that failed (an
     * unknown authority, no or a wrong client certificate, a certificate for another host), the
     * user or password refused, or a user without permission on the prefix.
     */
    @Nullable
    public static String permanentFailure(Throwable t) {
        var ssl = ExceptionUtils.findThrowable(t, SSLException.class);
        if (ssl.isPresent()) {
            return "TLS with etcd failed (" + ssl.get().getMessage() + "): check the CA file, the client"
                    + " certificate and key, and that etcd's certificate names the endpoint's host (or the authority)";
        }
        Status.Code code = Status.fromThrowable(t).getCode();
        if (code == Status.Code.UNAUTHENTICATED) {
            return "etcd authentication failed (" + rootMessage(t) + "): check the user and password";
        }
        if (code == Status.Code.PERMISSION_DENIED) {
            return "etcd permission denied (" + rootMessage(t) + "): the user needs a role that may read the prefix";
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = ExceptionUtils.stripCompletionException(t);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
