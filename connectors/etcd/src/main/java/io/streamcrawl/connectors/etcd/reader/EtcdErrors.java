package io.streamcrawl.connectors.etcd.reader;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies the errors jetcd reports. */
final class EtcdErrors {
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
}
