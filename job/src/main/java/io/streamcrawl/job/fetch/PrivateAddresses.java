package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.FetchFailure;

import okhttp3.Connection;
import okhttp3.Dns;
import okhttp3.Interceptor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The SSRF guard's notion of an address a crawler must not reach unless its task allows it:
 * every block of IANA's IPv4 and IPv6 special-purpose registries that is not globally
 * reachable (loopback, unspecified, private, carrier-grade NAT, link-local with the cloud
 * metadata services, documentation, benchmarking, reserved, discard-only), plus multicast;
 * an IPv6 form that carries an IPv4 address (IPv4-mapped and -compatible, NAT64, 6to4,
 * Teredo) is judged by that IPv4 address.
 */
final class PrivateAddresses {
    private static final Pattern IPV4_LITERAL = Pattern.compile("^[0-9.]+$");

    private static final List<AddressBlock> PRIVATE_V4 = AddressBlock.all(
            "0.0.0.0/8", // "this network"
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", // RFC 1918
            "100.64.0.0/10", // carrier-grade NAT, Alibaba's metadata service 100.100.100.200
            "127.0.0.0/8",
            "169.254.0.0/16", // link-local, the cloud metadata service 169.254.169.254
            "192.0.0.0/24", // IETF protocol assignments (DS-Lite, NAT64 discovery)
            "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", // documentation
            "192.88.99.0/24", // deprecated 6to4 relay anycast
            "198.18.0.0/15", // benchmarking
            "224.0.0.0/4", // multicast
            "240.0.0.0/4"); // reserved, the limited broadcast 255.255.255.255 included

    private static final List<AddressBlock> PRIVATE_V6 = AddressBlock.all(
            "::/127", // unspecified and loopback
            "64:ff9b:1::/48", // local-use NAT64
            "100::/63", // discard-only and the dummy prefix
            "2001:2::/48", // benchmarking
            "2001:10::/28", // deprecated ORCHID
            "2001:db8::/32", "3fff::/20", // documentation
            "5f00::/16", // segment routing SIDs
            "fc00::/7", // unique local, e.g. the fd00:ec2::254 metadata service
            "fe80::/10", "fec0::/10", // link-local, deprecated site-local
            "ff00::/8"); // multicast

    private static final List<Embedding> EMBEDDINGS = List.of(
            new Embedding(AddressBlock.of("::ffff:0:0/96"), 12, false), // IPv4-mapped
            new Embedding(AddressBlock.of("::/96"), 12, false), // IPv4-compatible
            new Embedding(AddressBlock.of("64:ff9b::/96"), 12, false), // NAT64
            new Embedding(AddressBlock.of("2002::/16"), 2, false), // 6to4
            new Embedding(AddressBlock.of("2001::/32"), 12, true)); // Teredo: the client, bits inverted

    private PrivateAddresses() {}

    static boolean isPrivate(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return AddressBlock.anyContains(PRIVATE_V4, bytes);
        }
        if (AddressBlock.anyContains(PRIVATE_V6, bytes)) {
            return true;
        }
        for (Embedding embedding : EMBEDDINGS) {
            if (embedding.block().contains(bytes)) {
                return AddressBlock.anyContains(PRIVATE_V4, embedding.ipv4(bytes));
            }
        }
        return false;
    }

    /**
     * The address of a host that is an IP literal (as okhttp's {@code HttpUrl.host()} gives it:
     * IPv6 without brackets), or null when it is a name. No DNS lookup happens.
     */
    static InetAddress literal(String host) {
        if (!host.contains(":") && !IPV4_LITERAL.matcher(host).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv6 block whose addresses carry an IPv4 address at a byte offset, inverted for Teredo. */
    private record Embedding(AddressBlock block, int offset, boolean inverted) {
        byte[] ipv4(byte[] ipv6) {
            byte[] v4 = Arrays.copyOfRange(ipv6, offset, offset + 4);
            if (inverted) {
                for (int i = 0; i < 4; i++) {
                    v4[i] = (byte) ~v4[i];
                }
            }
            return v4;
        }
    }

    /** Thrown when the guard refuses a host or a connection; the fetch fails as {@link FetchFailure#REFUSED}. */
    static final class RefusedException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** DNS that drops private addresses and refuses a host that has nothing else. */
    static final class GuardedDns implements Dns {
        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            List<InetAddress> all = Dns.SYSTEM.lookup(hostname);
            List<InetAddress> public_ = new ArrayList<>(all.size());
            for (InetAddress address : all) {
                if (!isPrivate(address)) {
                    public_.add(address);
                }
            }
            if (public_.isEmpty()) {
                throw new RefusedException("refused: " + hostname + " resolves to private addresses only " + all);
            }
            return public_;
        }
    }

    /**
     * Refuses a connection to a private address however it came about (an IP literal in a
     * redirect followed by the client, a DNS answer that changed): runs once the socket is
     * connected, before the request is sent.
     */
    static void checkConnected(Interceptor.Chain chain) throws IOException {
        Connection connection = chain.connection();
        InetAddress address = connection == null ? null : connection.socket().getInetAddress();
        if (address != null && isPrivate(address)) {
            throw new RefusedException("refused: " + chain.request().url().host() + " is the private address "
                    + address.getHostAddress());
        }
    }
}
