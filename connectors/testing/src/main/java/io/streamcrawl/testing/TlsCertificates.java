package io.streamcrawl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away certificate authority with one server and one client certificate, made with the
 * machine's {@code openssl} and {@code keytool} for a test: every file a TLS client or server may
 * want, as PEM and as PKCS12 stores (password {@link #PASSWORD}).
 *
 * <p>The server certificate names only {@code DNS:localhost}, so a client that verifies host names
 * accepts it as {@code localhost} and refuses it as {@code 127.0.0.1}.
 */
public final class TlsCertificates {
    public static final String PASSWORD = "changeit";

    private final Path dir;

    private TlsCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Generates the authority and the certificates into {@code dir} (RSA 2048, valid for two days);
     * each call makes a new authority, which trusts none of another's certificates.
     */
    public static TlsCertificates generate(Path dir) {
        TlsCertificates files = new TlsCertificates(dir);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
            files.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=streamcrawl test CA",
                    "-keyout", "ca.key", "-out", "ca.crt");
            files.signed("server", "localhost", "server.ext");
            files.signed("client", "streamcrawl test client", null);
            files.openssl("pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-name", "client",
                    "-out", "client.p12", "-passout", "pass:" + PASSWORD);
            LocalServerProcess.run(dir, List.of("keytool", "-importcert", "-noprompt", "-alias", "ca",
                    "-file", "ca.crt", "-keystore", "truststore.p12", "-storetype", "PKCS12", "-storepass", PASSWORD));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate test certificates in " + dir, e);
        }
        return files;
    }

    /** The authority's certificate (PEM): what a client trusts. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** A PKCS12 trust store holding the authority's certificate. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    /** The server's private key (PEM, PKCS#8). */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCertificate() {
        return dir.resolve("client.crt");
    }

    /** The client's private key (PEM, PKCS#8). */
    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** A PKCS12 key store with the client's key and certificate. */
    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    private void signed(String name, String commonName, String extensions) throws IOException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName,
                "-keyout", name + ".key", "-out", name + ".csr");
        List<String> sign = new ArrayList<>(List.of("x509", "-req", "-days", "2", "-in", name + ".csr",
                "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt"));
        if (extensions != null) {
            sign.addAll(List.of("-extfile", extensions));
        }
        openssl(sign.toArray(String[]::new));
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        LocalServerProcess.run(dir, command);
    }
}
