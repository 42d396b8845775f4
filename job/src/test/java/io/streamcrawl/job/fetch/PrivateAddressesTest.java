package io.streamcrawl.job.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PrivateAddressesTest {
    @ParameterizedTest(name = "{0} is {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1                  | private | loopback
            127.8.9.10                 | private | loopback
            10.0.0.1                   | private | RFC 1918
            172.16.5.4                 | private | RFC 1918
            172.31.255.255             | private | RFC 1918
            192.168.1.1                | private | RFC 1918
            169.254.169.254            | private | cloud metadata
            169.254.0.1                | private | link-local
            100.64.0.1                 | private | carrier-grade NAT
            100.100.100.200            | private | Alibaba metadata
            0.0.0.0                    | private | unspecified
            0.1.2.3                    | private | this network
            224.0.0.1                  | private | multicast
            255.255.255.255            | private | limited broadcast
            192.0.0.1                  | private | IETF protocol assignments
            192.0.0.170                | private | NAT64 discovery
            192.0.2.7                  | private | TEST-NET-1
            198.51.100.7               | private | TEST-NET-2
            203.0.113.7                | private | TEST-NET-3
            192.88.99.1                | private | 6to4 relay anycast
            198.18.0.1                 | private | benchmarking
            198.19.255.254             | private | benchmarking
            240.0.0.1                  | private | reserved
            254.255.255.255            | private | reserved
            ::1                        | private | loopback
            ::                         | private | unspecified
            fe80::1                    | private | link-local
            fec0::1                    | private | site-local
            fc00::1                    | private | unique local
            fd00:ec2::254              | private | cloud metadata
            ff02::1                    | private | multicast
            ::ffff:127.0.0.1           | private | IPv4-mapped loopback
            ::ffff:169.254.169.254     | private | IPv4-mapped metadata
            64:ff9b::7f00:1            | private | NAT64 of loopback
            64:ff9b::a9fe:a9fe         | private | NAT64 of metadata
            64:ff9b::c0a8:101          | private | NAT64 of RFC 1918
            64:ff9b:1::808:808         | private | local-use NAT64
            ::127.0.0.1                | private | IPv4-compatible loopback
            ::10.0.0.1                 | private | IPv4-compatible RFC 1918
            2002:7f00:1::1             | private | 6to4 of loopback
            2002:a9fe:a9fe::           | private | 6to4 of metadata
            2002:c0a8:101:1::1         | private | 6to4 of RFC 1918
            2001:0:4136:e378:8000:63bf:f5ff:fffe | private | Teredo of 10.0.0.1
            100::1                     | private | discard-only
            2001:2::1                  | private | benchmarking
            2001:db8::1                | private | documentation
            3fff::1                    | private | documentation
            5f00::1                    | private | segment routing
            8.8.8.8                    | public  | Google DNS
            93.184.216.34              | public  | example.org
            172.32.0.1                 | public  | past RFC 1918
            100.128.0.1                | public  | past carrier-grade NAT
            192.169.0.1                | public  | past RFC 1918
            192.0.1.1                  | public  | past IETF protocol assignments
            198.20.0.1                 | public  | past benchmarking
            239.255.255.255            | private | multicast
            223.255.255.255            | public  | below multicast
            2001:4860:4860::8888       | public  | Google DNS
            ::ffff:8.8.8.8             | public  | IPv4-mapped public
            64:ff9b::808:808           | public  | NAT64 of public
            ::8.8.8.8                  | public  | IPv4-compatible public
            2002:808:808::1            | public  | 6to4 of public
            2001:0:4136:e378:8000:63bf:f7f7:f7f7 | public | Teredo of 8.8.8.8
            2a00:1450:4001::1          | public  | global unicast
            """)
    void judgesAddressesByIanasSpecialPurposeRegistries(String literal, String expected, String why) {
        assertThat(PrivateAddresses.isPrivate(PrivateAddresses.literal(literal))).as(why)
                .isEqualTo(expected.equals("private"));
    }

    @Test
    void tellsLiteralsFromNamesWithoutLookingNamesUp() {
        assertThat(PrivateAddresses.literal("example.org")).isNull();
        assertThat(PrivateAddresses.literal("localhost")).isNull();
        assertThat(PrivateAddresses.literal("10.1.2.3")).isNotNull();
        assertThat(PrivateAddresses.literal("::1")).isNotNull();
    }

    @Test
    void theGuardedDnsRefusesANameWithOnlyPrivateAddresses() throws Exception {
        assertThatThrownBy(() -> new PrivateAddresses.GuardedDns().lookup("localhost"))
                .isInstanceOf(PrivateAddresses.RefusedException.class)
                .hasMessageStartingWith("refused: localhost resolves to private addresses only");
        // A decimal IPv4 form is a name to okhttp, and resolves to loopback.
        assertThat(List.of(InetAddress.getAllByName("2130706433"))).allMatch(PrivateAddresses::isPrivate);
        assertThatThrownBy(() -> new PrivateAddresses.GuardedDns().lookup("2130706433"))
                .isInstanceOf(PrivateAddresses.RefusedException.class);
    }
}
