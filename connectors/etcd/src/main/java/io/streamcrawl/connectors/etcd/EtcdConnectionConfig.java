package io.streamcrawl.connectors.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.streamcrawl.connectors.etcd.reader.EtcdErrors;
import io.netty.handler.ssl.SslContextBuilder;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;
import javax.net.ssl.SSLException;

import java.io.File;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * Where and how to connect to one etcd cluster: endpoints, TLS and user; the one place an etcd
 * client is built ({@link #newClient()}).
 *
 * <p>The endpoints' scheme decides TLS, as for etcdctl: {@code https://} endpoints use TLS,
 * trusting the CA certificates of {@link Builder#caFile} (or the JVM's trust store) and presenting
 * the client certificate of {@link Builder#clientCertificate} when etcd runs with
 * {@code --client-cert-auth}. The server's certificate must name the endpoint's host, or the
 * {@link Builder#authority} when one is set. A {@link Builder#user} with its password authenticates
 * to etcd's RBAC.
 *
 * <p>Files are read when a client is built, on the TaskManager: their paths must exist there.
 * Immutable and serializable: it travels inside the job graph. The password never appears in
 * {@link #toString()}.
 */
@PublicEvolving
public final class EtcdConnectionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final List<String> endpoints;
    @Nullable private final String user;
    @Nullable private final String password;
    @Nullable private final String caFile;
    @Nullable private final String certFile;
    @Nullable private final String keyFile;
    @Nullable private final String authority;
    private final Duration connectTimeout;

    private EtcdConnectionConfig(Builder b) {
        this.endpoints = b.endpoints;
        this.user = b.user;
        this.password = b.password;
        this.caFile = b.caFile;
        this.certFile = b.certFile;
        this.keyFile = b.keyFile;
        this.authority = b.authority;
        this.connectTimeout = b.connectTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> endpoints() {
        return endpoints;
    }

    /** Whether the endpoints are {@code https://}. */
    public boolean tls() {
        return endpoints.get(0).startsWith("https:");
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<String> caFile() {
        return Optional.ofNullable(caFile);
    }

    public Optional<String> certFile() {
        return Optional.ofNullable(certFile);
    }

    public Optional<String> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    public Optional<String> authority() {
        return Optional.ofNullable(authority);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The endpoints and the user, for log lines and error messages: {@code https://a:2379,https://b:2379 as crawler}. */
    public String address() {
        return String.join(",", endpoints) + (user == null ? "" : " as " + user);
    }

    /**
     * Builds a jetcd client for this connection; the caller closes it. jetcd connects lazily: a
     * wrong password or certificate shows in the first request's error.
     *
     * @throws IllegalArgumentException when a TLS file cannot be read, naming it
     */
    public Client newClient() {
        return clientBuilder().build();
    }

    /**
     * A jetcd client builder set up for this connection, for a caller that changes jetcd's other
     * settings before it builds the client.
     *
     * @throws IllegalArgumentException when a TLS file cannot be read, naming it
     */
    public ClientBuilder clientBuilder() {
        ClientBuilder client = Client.builder();
        // jetcd derives the target from the authority at endpoints(): set it first.
        if (authority != null) {
            client.authority(authority);
        }
        client.endpoints(endpoints.toArray(String[]::new)).connectTimeout(connectTimeout);
        if (user != null) {
            client.user(utf8(user)).password(utf8(password));
        }
        if (tls()) {
            client.sslContext(sslContext());
        }
        return client;
    }

    /**
     * Why requests over this connection get no answer, when jetcd can tell: for the message of a
     * caller whose request timed out while jetcd waited for a connection. Sends one request that
     * fails at once instead of waiting (any user may list the members) and describes its failure,
     * a refused TLS handshake or user as the source's reader does; empty when it is answered or
     * gets no answer within {@code timeout} either.
     */
    public Optional<Diagnosis> diagnose(Duration timeout) {
        try (Client probe = clientBuilder().waitForReady(false).build()) {
            probe.getClusterClient().listMember().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            String permanent = EtcdErrors.permanentFailure(e.getCause());
            return Optional.of(permanent != null
                    ? new Diagnosis(permanent, true)
                    : new Diagnosis(String.valueOf(e.getCause().getMessage()), false));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** What {@link #diagnose} found: the cause, and whether etcd refuses this client (TLS, user), which no wait can fix. */
    public record Diagnosis(String cause, boolean refused) {}

    private io.netty.handler.ssl.SslContext sslContext() {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        try {
            if (caFile != null) {
                ssl.trustManager(readable(caFile, "CA file"));
            }
            if (certFile != null) {
                ssl.keyManager(readable(certFile, "client certificate file"), readable(keyFile, "client key file"));
            }
            return ssl.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS setup for etcd " + address() + " failed: " + e.getMessage(), e);
        }
    }

    private File readable(String path, String what) {
        File file = new File(path);
        checkArgument(Files.isReadable(file.toPath()), "%s %s cannot be read", what, path);
        return file;
    }

    private static ByteSequence utf8(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EtcdConnectionConfig that)) {
            return false;
        }
        return endpoints.equals(that.endpoints)
                && Objects.equals(user, that.user)
                && Objects.equals(password, that.password)
                && Objects.equals(caFile, that.caFile)
                && Objects.equals(certFile, that.certFile)
                && Objects.equals(keyFile, that.keyFile)
                && Objects.equals(authority, that.authority)
                && connectTimeout.equals(that.connectTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoints, user, password, caFile, certFile, keyFile, authority, connectTimeout);
    }

    @Override
    public String toString() {
        return "EtcdConnectionConfig{" + String.join(",", endpoints)
                + (user == null ? "" : ", user=" + user + ", password=***")
                + (caFile == null ? "" : ", caFile=" + caFile)
                + (certFile == null ? "" : ", certFile=" + certFile + ", keyFile=" + keyFile)
                + (authority == null ? "" : ", authority=" + authority)
                + ", connectTimeout=" + connectTimeout + '}';
    }

    /** Builder for {@link EtcdConnectionConfig}; validates once in {@link #build()} and names the bad value. */
    @PublicEvolving
    public static final class Builder {
        private List<String> endpoints = List.of();
        private String user;
        private String password;
        private String caFile;
        private String certFile;
        private String keyFile;
        private String authority;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Builder() {}

        /** Comma-separated client endpoints of one cluster, e.g. {@code https://10.0.0.1:2379,https://10.0.0.2:2379}. */
        public Builder endpoints(String endpoints) {
            checkNotNull(endpoints, "endpoints");
            this.endpoints = Arrays.stream(endpoints.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            return this;
        }

        /** An etcd RBAC user and its password. */
        public Builder user(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** A PEM file with the certificates of the authorities that sign etcd's server certificate. */
        public Builder caFile(String pemPath) {
            this.caFile = pemPath;
            return this;
        }

        /**
         * The client certificate chain and its unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) as
         * PEM files, for an etcd with {@code --client-cert-auth}.
         */
        public Builder clientCertificate(String certPemPath, String keyPemPath) {
            this.certFile = certPemPath;
            this.keyFile = keyPemPath;
            return this;
        }

        /** The host name etcd's certificate must name, when it is not the endpoints' host (e.g. endpoints by IP). */
        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public EtcdConnectionConfig build() {
            checkArgument(!endpoints.isEmpty(), "no etcd endpoints: set them as \"http://host:port,...\"");
            endpoints.forEach(Builder::checkEndpoint);
            boolean tls = endpoints.get(0).startsWith("https:");
            checkArgument(endpoints.stream().allMatch(e -> e.startsWith("https:") == tls),
                    "etcd endpoints %s mix http:// and https://", endpoints);
            checkArgument(tls || (caFile == null && certFile == null && keyFile == null && authority == null),
                    "TLS files or an authority are set but the etcd endpoints %s are not https://", endpoints);
            checkArgument((certFile == null) == (keyFile == null),
                    "a client certificate needs both the certificate and the key file, got %s and %s", certFile, keyFile);
            checkArgument(user == null || (password != null && !user.isEmpty()),
                    "etcd user '%s' needs a non-empty name and a password", user);
            checkArgument(user != null || password == null, "an etcd password is set without a user");
            checkNotNull(connectTimeout, "connectTimeout");
            checkArgument(connectTimeout.toMillis() >= 1, "connectTimeout must be >= 1 ms, got %s", connectTimeout);
            return new EtcdConnectionConfig(this);
        }

        private static void checkEndpoint(String endpoint) {
            URI uri;
            try {
                uri = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("etcd endpoint '" + endpoint + "' is not a URI", e);
            }
            checkArgument("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()),
                    "etcd endpoint '%s' must be http://host:port or https://host:port", endpoint);
            checkArgument(uri.getHost() != null && uri.getPort() > 0,
                    "etcd endpoint '%s' must name a host and a port, e.g. http://127.0.0.1:2379", endpoint);
        }
    }
}
