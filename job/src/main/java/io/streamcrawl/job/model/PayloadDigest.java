package io.streamcrawl.job.model;

import org.netpreserve.jwarc.WarcDigest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digest of a fetched body as WARC files name it ({@code WARC-Payload-Digest}): SHA-1 in
 * base32, {@code sha1:<base32>}. Page records carry the same value, so a page record and its
 * WARC response can be matched.
 */
public final class PayloadDigest {
    private PayloadDigest() {}

    public static WarcDigest of(byte[] body) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(body);
            return new WarcDigest(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
