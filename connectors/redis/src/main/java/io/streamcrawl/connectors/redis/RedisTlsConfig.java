package io.streamcrawl.connectors.redis;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.security.KeyStore;
import java.util.Objects;
import java.util.Optional;

import org.apache.flink.annotation.PublicEvolving;

/**
 * How the source and the sink authenticate a Redis server over TLS, and themselves to it; set it
 * with {@link RedisConnectionConfig.Builder#tls}.
 *
 * <p>Whom to trust: a trust store ({@link Builder#trustStore}), or CA certificates in a PEM file
 * ({@link Builder#caCertificates}), or neither for the JVM's default trust store. The client's
 * own certificate, which Redis requires unless it runs with {@code tls-auth-clients no}: a key
 * store ({@link Builder#keyStore}), or a PEM certificate chain and an unencrypted PKCS#8 PEM key
 * ({@link Builder#clientCertificate}). The server's certificate must name the host connected to
 * unless {@link Builder#verifyHostname} is off.
 *
 * <p>Files are read by each task when it connects (so renewed certificates are picked up on
 * reconnect): their paths must exist on every TaskManager. Immutable and serializable; passwords
 * never appear in {@link #toString()}.
 */
@PublicEvolving
public final class RedisTlsConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String trustStore;
    private final String trustStorePassword;
    private final String trustStoreType;
    private final String caCertificates;
    private final String keyStore;
    private final String keyStorePassword;
    private final String keyStoreType;
    private final String clientCertificate;
    private final String clientKey;
    private final boolean verifyHostname;

    private RedisTlsConfig(Builder b) {
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.caCertificates = b.caCertificates;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword;
        this.keyStoreType = b.keyStoreType;
        this.clientCertificate = b.clientCertificate;
        this.clientKey = b.clientKey;
        this.verifyHostname = b.verifyHostname;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<String> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    public Optional<String> trustStorePassword() {
        return Optional.ofNullable(trustStorePassword);
    }

    public String trustStoreType() {
        return trustStoreType;
    }

    public Optional<String> caCertificates() {
        return Optional.ofNullable(caCertificates);
    }

    public Optional<String> keyStore() {
        return Optional.ofNullable(keyStore);
    }

    public Optional<String> keyStorePassword() {
        return Optional.ofNullable(keyStorePassword);
    }

    public String keyStoreType() {
        return keyStoreType;
    }

    public Optional<String> clientCertificate() {
        return Optional.ofNullable(clientCertificate);
    }

    public Optional<String> clientKey() {
        return Optional.ofNullable(clientKey);
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisTlsConfig)) {
            return false;
        }
        RedisTlsConfig that = (RedisTlsConfig) o;
        return verifyHostname == that.verifyHostname
                && Objects.equals(trustStore, that.trustStore)
                && Objects.equals(trustStorePassword, that.trustStorePassword)
                && trustStoreType.equals(that.trustStoreType)
                && Objects.equals(caCertificates, that.caCertificates)
                && Objects.equals(keyStore, that.keyStore)
                && Objects.equals(keyStorePassword, that.keyStorePassword)
                && keyStoreType.equals(that.keyStoreType)
                && Objects.equals(clientCertificate, that.clientCertificate)
                && Objects.equals(clientKey, that.clientKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trustStore, trustStorePassword, trustStoreType, caCertificates, keyStore,
                keyStorePassword, keyStoreType, clientCertificate, clientKey, verifyHostname);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("RedisTlsConfig{verifyHostname=").append(verifyHostname);
        if (trustStore != null) {
            s.append(", trustStore=").append(trustStore).append(" (").append(trustStoreType).append(')');
        }
        if (caCertificates != null) {
            s.append(", caCertificates=").append(caCertificates);
        }
        if (keyStore != null) {
            s.append(", keyStore=").append(keyStore).append(" (").append(keyStoreType).append(')');
        }
        if (clientCertificate != null) {
            s.append(", clientCertificate=").append(clientCertificate).append(", clientKey=").append(clientKey);
        }
        return s.append('}').toString();
    }

    /** Builder for {@link RedisTlsConfig}; validates once in {@link #build()}. */
    @PublicEvolving
    public static final class Builder {
        private String trustStore;
        private String trustStorePassword;
        private String trustStoreType = KeyStore.getDefaultType();
        private String caCertificates;
        private String keyStore;
        private String keyStorePassword;
        private String keyStoreType = KeyStore.getDefaultType();
        private String clientCertificate;
        private String clientKey;
        private boolean verifyHostname = true;

        private Builder() {}

        /** A trust store file (type {@link #trustStoreType}); the password may be null. */
        public Builder trustStore(String path, String password) {
            this.trustStore = path;
            this.trustStorePassword = password;
            return this;
        }

        /** The trust store's type, e.g. PKCS12 or JKS; the JVM's default type (PKCS12) if unset. */
        public Builder trustStoreType(String type) {
            this.trustStoreType = type;
            return this;
        }

        /** A PEM file with the certificates of the authorities to trust, instead of a trust store. */
        public Builder caCertificates(String pemPath) {
            this.caCertificates = pemPath;
            return this;
        }

        /** A key store file (type {@link #keyStoreType}) with the client's key and certificate. */
        public Builder keyStore(String path, String password) {
            this.keyStore = path;
            this.keyStorePassword = password;
            return this;
        }

        /** The key store's type, e.g. PKCS12 or JKS; the JVM's default type (PKCS12) if unset. */
        public Builder keyStoreType(String type) {
            this.keyStoreType = type;
            return this;
        }

        /**
         * The client's certificate chain and unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) as PEM
         * files, instead of a key store. {@code openssl pkcs8 -topk8 -nocrypt} converts other keys.
         */
        public Builder clientCertificate(String certificatePemPath, String keyPemPath) {
            this.clientCertificate = certificatePemPath;
            this.clientKey = keyPemPath;
            return this;
        }

        /**
         * Whether the server's certificate must name the host connected to (default true). Off, any
         * certificate signed by a trusted authority is accepted.
         */
        public Builder verifyHostname(boolean verifyHostname) {
            this.verifyHostname = verifyHostname;
            return this;
        }

        public RedisTlsConfig build() {
            checkArgument(trustStore == null || caCertificates == null,
                    "set either trustStore %s or caCertificates %s, not both", trustStore, caCertificates);
            checkArgument(keyStore == null || clientCertificate == null,
                    "set either keyStore %s or clientCertificate %s, not both", keyStore, clientCertificate);
            checkArgument((clientCertificate == null) == (clientKey == null),
                    "clientCertificate needs both the certificate and the key file, was %s and %s",
                    clientCertificate, clientKey);
            checkNotNull(trustStoreType, "trustStoreType");
            checkNotNull(keyStoreType, "keyStoreType");
            for (String path : new String[] {trustStore, caCertificates, keyStore, clientCertificate, clientKey}) {
                checkArgument(path == null || !path.isBlank(), "TLS file paths must not be blank");
            }
            return new RedisTlsConfig(this);
        }
    }
}
