package io.streamcrawl.job.model;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record of one fetched page, in the public wire format of {@code streamcrawl:pages} and of
 * the JSON lines files (see the README, "What the job publishes"). {@code error} is null on success; the
 * content fields are null when the page has no parsed text.
 *
 * @param lang the page's BCP 47 language tag
 * @param contentHash the SHA-1 of the body as fetched, {@code sha1:<base32>}: the WARC payload digest
 * @param simhash the 64-bit SimHash of the page's text (the dedup package computes it)
 * @param nearDuplicateOf the URL of an earlier page of the same host whose text is nearly the same
 * @param text the page's visible text, only when the configuration keeps it
 * @param location the target of a redirect (status 3xx), which the crawl follows as a new URL
 * @param canonical the page's canonical URL ({@code <link rel="canonical">}), when it names one
 * @param notModified whether a recrawl was answered {@code 304 Not Modified} (wire {@code not_modified},
 *     present only when true)
 * @param identicalPayload whether a recrawl's 2xx body is the same as the URL's last capture's
 *     (wire {@code identical_payload}, present only when true)
 */
public record PageRecord(
        String url,
        String finalUrl,
        String task,
        int depth,
        int status,
        String contentType,
        long contentLength,
        String title,
        int links,
        String fetchedAt,
        long fetchMs,
        String error,
        String location,
        String canonical,
        String lang,
        String contentHash,
        Long simhash,
        String nearDuplicateOf,
        String text,
        boolean notModified,
        boolean identicalPayload) {

    /** The URL whose content this is: the final URL when a redirect was followed. */
    public String pageUrl() {
        return finalUrl != null ? finalUrl : url;
    }

    /** This record marked as a near-duplicate of an earlier page. */
    public PageRecord withNearDuplicateOf(String earlierUrl) {
        return toBuilder().nearDuplicateOf(earlierUrl).build();
    }

    /** A record of {@code url} for {@code task} with every other field named: absent or zero. */
    public static Builder builder(String url, String task) {
        return new Builder(new PageRecord(url, null, task, 0, 0, null, 0, null, 0, null, 0, null, null, null, null,
                null, null, null, null, false, false));
    }

    /** A builder that starts from this record. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The record's fields under their public names, in wire order, without the absent ones and
     * without the text (which only the JSON lines files carry).
     */
    public Map<String, Object> wireFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        put(fields, "url", url);
        put(fields, "final_url", finalUrl);
        put(fields, "task", task);
        put(fields, "depth", depth);
        put(fields, "status", status);
        put(fields, "content_type", contentType);
        put(fields, "content_length", contentLength);
        put(fields, "title", title);
        put(fields, "links", links);
        put(fields, "fetched_at", fetchedAt);
        put(fields, "fetch_ms", fetchMs);
        put(fields, "error", error);
        put(fields, "location", location);
        put(fields, "canonical", canonical);
        put(fields, "lang", lang);
        put(fields, "content_hash", contentHash);
        // 16 lower-case hex digits: a JSON number would lose 64-bit precision
        put(fields, "simhash", simhash == null ? null : HexFormat.of().toHexDigits(simhash));
        put(fields, "near_duplicate_of", nearDuplicateOf);
        put(fields, "not_modified", notModified ? Boolean.TRUE : null);
        put(fields, "identical_payload", identicalPayload ? Boolean.TRUE : null);
        return fields;
    }

    private static void put(Map<String, Object> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    /** Builds a record field by field; the only place besides the record that lists every field. */
    public static final class Builder {
        private String url;
        private String finalUrl;
        private String task;
        private int depth;
        private int status;
        private String contentType;
        private long contentLength;
        private String title;
        private int links;
        private String fetchedAt;
        private long fetchMs;
        private String error;
        private String location;
        private String canonical;
        private String lang;
        private String contentHash;
        private Long simhash;
        private String nearDuplicateOf;
        private String text;
        private boolean notModified;
        private boolean identicalPayload;

        private Builder(PageRecord from) {
            url = from.url;
            finalUrl = from.finalUrl;
            task = from.task;
            depth = from.depth;
            status = from.status;
            contentType = from.contentType;
            contentLength = from.contentLength;
            title = from.title;
            links = from.links;
            fetchedAt = from.fetchedAt;
            fetchMs = from.fetchMs;
            error = from.error;
            location = from.location;
            canonical = from.canonical;
            lang = from.lang;
            contentHash = from.contentHash;
            simhash = from.simhash;
            nearDuplicateOf = from.nearDuplicateOf;
            text = from.text;
            notModified = from.notModified;
            identicalPayload = from.identicalPayload;
        }

        public Builder finalUrl(String value) {
            finalUrl = value;
            return this;
        }

        public Builder depth(int value) {
            depth = value;
            return this;
        }

        public Builder status(int value) {
            status = value;
            return this;
        }

        public Builder contentType(String value) {
            contentType = value;
            return this;
        }

        public Builder contentLength(long value) {
            contentLength = value;
            return this;
        }

        public Builder title(String value) {
            title = value;
            return this;
        }

        public Builder links(int value) {
            links = value;
            return this;
        }

        public Builder fetchedAt(String value) {
            fetchedAt = value;
            return this;
        }

        public Builder fetchMs(long value) {
            fetchMs = value;
            return this;
        }

        public Builder error(String value) {
            error = value;
            return this;
        }

        public Builder location(String value) {
            location = value;
            return this;
        }

        public Builder canonical(String value) {
            canonical = value;
            return this;
        }

        public Builder lang(String value) {
            lang = value;
            return this;
        }

        public Builder contentHash(String value) {
            contentHash = value;
            return this;
        }

        public Builder simhash(Long value) {
            simhash = value;
            return this;
        }

        public Builder nearDuplicateOf(String value) {
            nearDuplicateOf = value;
            return this;
        }

        public Builder text(String value) {
            text = value;
            return this;
        }

        /** What a recrawl's answer repeats of the URL's last capture. */
        public Builder revisit(Revisit value) {
            notModified = value == Revisit.NOT_MODIFIED;
            identicalPayload = value == Revisit.IDENTICAL_PAYLOAD;
            return this;
        }

        public PageRecord build() {
            return new PageRecord(url, finalUrl, task, depth, status, contentType, contentLength, title, links,
                    fetchedAt, fetchMs, error, location, canonical, lang, contentHash, simhash, nearDuplicateOf, text,
                    notModified, identicalPayload);
        }
    }
}
