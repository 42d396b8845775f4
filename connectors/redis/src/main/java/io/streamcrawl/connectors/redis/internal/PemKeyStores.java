package io.streamcrawl.connectors.redis.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.flink.annotation.Internal;

/**
 * Turns PEM files (what redis-server itself is configured with) into in-memory PKCS12 stores that
 * Jedis' {@code SslOptions} can load: CA certificates into a trust store, a certificate chain and
 * an unencrypted PKCS#8 key into a key store. The files are read on every call, i.e. on every
 * new connection, so renewed certificates take effect without a restart.
 */
@Internal
public final class PemKeyStores {
    /** The password of the in-memory stores; they never leave the process. */
    public static final char[] PASSWORD = "streamcrawl".toCharArray();

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA"};

    private PemKeyStores() {}

    /** A PKCS12 trust store, as bytes, with every certificate of the PEM file. */
    public static InputStream trustStore(String caCertificatesPem) throws IOException {
        try {
            KeyStore store = emptyStore();
            int i = 0;
            for (Certificate certificate : certificates(caCertificatesPem)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            return toStream(store);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read CA certificates from " + caCertificatesPem + ": " + e.getMessage(), e);
        }
    }

    /** A PKCS12 key store, as bytes, with the key and its certificate chain. */
    public static InputStream keyStore(String certificatePem, String keyPem) throws IOException {
        try {
            KeyStore store = emptyStore();
            Certificate[] chain = certificates(certificatePem).toArray(Certificate[]::new);
            store.setKeyEntry("client", privateKey(keyPem), PASSWORD, chain);
            return toStream(store);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the client certificate " + certificatePem + " and key " + keyPem
                    + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(String pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(pem))) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in " + pem);
            }
            return certificates;
        }
    }

    private static PrivateKey privateKey(String pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(Path.of(pem), StandardCharsets.US_ASCII);
        Matcher m = PRIVATE_KEY.matcher(text);
        if (!m.find()) {
            throw new IOException("no unencrypted PKCS#8 key (BEGIN PRIVATE KEY) in " + pem
                    + "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + pem);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // Not this algorithm: PKCS#8 names it inside, but each KeyFactory checks only its own.
            }
        }
        throw new IOException("the key in " + pem + " is none of " + String.join(", ", KEY_ALGORITHMS));
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static InputStream toStream(KeyStore store) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, PASSWORD);
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
