package io.streamcrawl.job.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a call that carries the token ({@code authorization: Bearer <token>}) or comes with a
 * client certificate of an allowed subject; refuses the others with {@code UNAUTHENTICATED}.
 * With neither a token nor subjects configured (plain text on loopback) it admits every call.
 */
final class AccessInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(AccessInterceptor.class);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final byte[] token;
    private final Set<X500Principal> allowedSubjects;
    private final AtomicLong refused = new AtomicLong();

    AccessInterceptor(String token, Set<X500Principal> allowedSubjects) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.allowedSubjects = allowedSubjects;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        X500Principal subject = subjectOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (admits(headers.get(AUTHORIZATION), subject)) {
            return next.startCall(call, headers);
        }
        LOG.warn("Refused {} from {} (client certificate {}, refused so far: {})", call.getMethodDescriptor().getBareMethodName(),
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), subject, refused.incrementAndGet());
        call.close(Status.UNAUTHENTICATED.withDescription("a token or a client certificate of an allowed subject is needed"),
                new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /** Whether a call with this authorization header (null: none) and client certificate subject (null: none) may go on. */
    boolean admits(String authorization, X500Principal subject) {
        if (token.length == 0 && allowedSubjects.isEmpty()) {
            return true;
        }
        boolean tokenMatches = token.length > 0 && authorization != null && authorization.startsWith(BEARER)
                && MessageDigest.isEqual(token, authorization.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8));
        return tokenMatches || (subject != null && allowedSubjects.contains(subject));
    }

    private static X500Principal subjectOf(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf.getSubjectX500Principal() : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
