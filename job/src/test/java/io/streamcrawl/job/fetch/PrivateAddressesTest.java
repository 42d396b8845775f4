package io.streamcrawl.job.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PrivateAddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.100.100.200", "0.0.0.0", "0.1.2.3", "224.0.0.1",
            "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "::ffff:127.0.0.1",
            "::ffff:169.254.169.254", "ff02::1"})
    void refusesLoopbackPrivateLinkLocalAndMetadataAddresses(String literal) {
        assertThat(PrivateAddresses.isPrivate(PrivateAddresses.literal(literal))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2001:4860:4860::8888",
            "::ffff:8.8.8.8"})
    void allowsPublicAddresses(String literal) {
        assertThat(PrivateAddresses.isPrivate(PrivateAddresses.literal(literal))).isFalse();
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
