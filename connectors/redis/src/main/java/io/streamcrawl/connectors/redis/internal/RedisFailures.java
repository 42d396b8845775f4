package io.streamcrawl.connectors.redis.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLException;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.execution.SuppressRestartsException;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.StreamFence;
import redis.clients.jedis.exceptions.JedisAccessControlException;

/**
 * Recognizes the Redis failures that retrying cannot fix and turns them into errors that say what
 * to check: refused credentials ({@code WRONGPASS}, {@code NOAUTH}), missing ACL permissions
 * ({@code NOPERM}) and failed TLS handshakes (an untrusted certificate, a host name the
 * certificate does not name, a client certificate the server refuses, TLS against a plain port).
 * Such a failure fails the operator at once, whatever the retry timeout; a stream fence held by
 * another token ({@link StreamFence#FENCED}) fails the job without restarts.
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

    /** Whether a TLS handshake failed for a reason that a retry cannot change, anywhere in the cause chain. */
    public static boolean isTlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GeneralSecurityException) {
                return true;
            }
            String m = t.getMessage();
            if (t instanceof SSLException && m != null && (m.contains("certificate")
                    || m.contains("Unsupported or unrecognized SSL message") || isServerAlert(t))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} is the server's fatal TLS alert (e.g. certificate_required, unknown_ca,
     * handshake_failure): the server refused the handshake, where a reset or an end of stream may
     * only mean that it went away.
     */
    static boolean isServerAlert(Throwable e) {
        return e instanceof SSLException && e.getMessage() != null && e.getMessage().startsWith("Received fatal alert");
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
        } else if (isTlsFailure(e)) {
            message = what + ": TLS with " + connection.address() + " failed (" + rootMessage(e) + "); check the"
                    + " trusted certificates, the client certificate and, unless verifyHostname is off, that"
                    + " the server's certificate names the host connected to";
        } else if (StreamFence.isFenced(e)) {
            // Another holder owns the streams: a restart would be fenced off again.
            return new IOException(what + " at " + connection.address() + ": " + e.getMessage(),
                    new SuppressRestartsException(e));
        } else {
            message = what + " at " + connection.address();
        }
        return new IOException(message, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
