package io.streamcrawl.job.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/** A CIDR block of IPv4 or IPv6 addresses, such as {@code 198.18.0.0/15} or {@code 64:ff9b::/96}. */
record AddressBlock(byte[] prefix, int bits) {
    /** The block written as {@code literal/bits}; the literal is an IP address, so nothing is looked up. */
    static AddressBlock of(String cidr) {
        int slash = cidr.indexOf('/');
        String literal = cidr.substring(0, slash);
        try {
            byte[] bytes = InetAddress.getByName(literal).getAddress();
            if (bytes.length == 4 && literal.contains(":")) {
                // Java turns an IPv4-mapped literal into its IPv4 address; the block is the IPv6 one.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                bytes = mapped;
            }
            return new AddressBlock(bytes, Integer.parseInt(cidr.substring(slash + 1)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a CIDR block: " + cidr, e);
        }
    }

    static List<AddressBlock> all(String... cidrs) {
        return Arrays.stream(cidrs).map(AddressBlock::of).toList();
    }

    static boolean anyContains(List<AddressBlock> blocks, byte[] address) {
        for (AddressBlock block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    boolean contains(byte[] address) {
        if (address.length != prefix.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (prefix[whole] & mask);
    }
}
