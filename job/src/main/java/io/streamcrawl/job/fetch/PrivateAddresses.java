package io.streamcrawl.job.fetch;

import okhttp3.Connection;
import okhttp3.Dns;
import okhttp3.Interceptor;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The SSRF guard's notion of an address a crawler must not reach unless its task allows it:
 * loopback, unspecified, private (RFC 1918, carrier-grade NAT 100.64/10, IPv6 unique local
 * fc00::/7), link-local (169.254/16 with the cloud metadata service 169.254.169.254, fe80::/10)
 * and multicast addresses, IPv4-mapped IPv6 forms included.
 */
final class PrivateAddresses {
    private static final Pattern IPV4_LITERAL = Pattern.compile("^[0-9.]+$");

    private PrivateAddresses() {}

    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isSiteLocalAddress()
                || address.isLinkLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            // 0.0.0.0/8 "this network", 100.64.0.0/10 carrier-grade NAT (Alibaba's metadata service), 255.255.255.255
            return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 255 && (bytes[3] & 0xff) == 255);
        }
        if (address instanceof Inet6Address) {
            if ((bytes[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local, e.g. the fd00:ec2::254 metadata service
            }
            if (isMapped(bytes)) {
                try {
                    byte[] v4 = {bytes[12], bytes[13], bytes[14], bytes[15]};
                    return isPrivate(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return true;
                }
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

    private static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
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
