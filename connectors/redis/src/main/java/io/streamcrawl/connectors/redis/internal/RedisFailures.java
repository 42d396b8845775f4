package io.streamcrawl.connectors.redis.internal;

import java.io.IOException;

import org.apache.flink.annotation.Internal;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import redis.clients.jedis.exceptions.JedisAccessControlException;

/**
 * Recognizes the Redis failures that retrying cannot fix and turns them into errors that say what
 * to check: refused credentials ({@code WRONGPASS}, {@code NOAUTH}) and missing ACL permissions
 * ({@code NOPERM}). Such a failure fails the operator at once, whatever the retry timeout.
 */
@Internal
public final class RedisFailures {
    private RedisFailures() {}

    /** Whether the server refused the credentials, anywhere in the cause chain. */
    public static boolean isAuthenticationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH"))) {
                return true;
            }
            if (t instanceof JedisAccessControlException && (m == null || !m.startsWith("NOPERM"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the user may not run a command or touch a key, anywhere in the cause chain. */
    public static boolean isPermissionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith("NOPERM")) {
                return true;
            }
        }
        return false;
    }

    /**
     * An exception for a failure that is not retried. {@code what} says what failed, e.g. "Redis
     * stream source 0 failed to read [s] as group g"; the message adds the server's address and,
     * for credentials or permissions, what to check. The password never appears in it.
     */
    public static IOException nonRetryable(String what, RedisConnectionConfig connection, RuntimeException e) {
        String user = connection.user().orElse("default");
        String message;
        if (isAuthenticationFailure(e)) {
            message = what + ": authentication failed at " + connection.address() + " as user " + user
                    + " (" + e.getMessage() + "); check the user and password of the Redis connection";
        } else if (isPermissionFailure(e)) {
            message = what + ": user " + user + " lacks a permission at " + connection.address()
                    + " (" + e.getMessage() + "); grant it with ACL SETUSER";
        } else {
            message = what + " at " + connection.address();
        }
        return new IOException(message, e);
    }
}
