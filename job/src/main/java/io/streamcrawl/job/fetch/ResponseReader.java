package io.streamcrawl.job.fetch;

import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.HttpMessages;

import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

import java.io.IOException;
import java.util.Date;
import java.util.Locale;

/**
 * Turns an okhttp {@link Response} into a {@link FetchResult}: the body is read only for a 2xx
 * response whose media type the task accepts, streamed and cut at the task's max bytes, within
 * the fetcher's {@link BodyBytesBudget}; a redirect's target is resolved. Blocks
 * while reading; runs on okhttp's dispatcher thread, inside the call's timeout.
 */
final class ResponseReader {
    private static final byte[] NO_BODY = new byte[0];
    /** The largest array a JVM allocates; a bound for tasks that set no usable max bytes. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;
    private static final long CHUNK_BYTES = 8192;

    private ResponseReader() {}

    /**
     * Reads the response; its body's bytes are reserved in {@code budget} as they are read and
     * given back when this returns or throws. A body that does not fit the budget ends the fetch
     * as {@link FetchFailure#DEFERRED}: its URL goes back to the frontier and is fetched again later.
     */
    static FetchResult read(FetchRequest request, Response response, long fetchedAtMillis, long startNanos,
            BodyBytesBudget budget) throws IOException {
        ResponseBody body = response.body();
        byte[] bytes = NO_BODY;
        boolean truncated = false;
        boolean bodyRead = response.isSuccessful() && accepts(request.fetch().contentTypes(), body.contentType());
        if (bodyRead) {
            // No body is larger than the whole budget, whatever the task allows.
            long max = Math.min(limit(request.fetch().maxBytes()), budget.limit());
            BufferedSource source = body.source();
            Buffer buffer = new Buffer();
            long reserved = 0;
            try {
                while (buffer.size() < max) {
                    long chunk = Math.min(CHUNK_BYTES, max - buffer.size());
                    if (!budget.tryReserve(chunk)) {
                        return FetchResult.deferred(request, "deferred: response bodies in flight at the fetcher's bound of "
                                + budget.limit() + " bytes");
                    }
                    reserved += chunk;
                    long read = source.read(buffer, chunk);
                    budget.release(chunk - Math.max(read, 0));
                    reserved -= chunk - Math.max(read, 0);
                    if (read == -1) {
                        break;
                    }
                }
                // A body of exactly max bytes is whole; one more byte on the wire means it was cut.
                truncated = buffer.size() == max && !source.exhausted();
                bytes = buffer.readByteArray();
            } finally {
                budget.release(reserved);
            }
        }
        return FetchResult.response(request, response.code())
                .finalUrl(response.request().url().toString())
                .contentType(response.header("Content-Type"))
                .body(bytes, truncated)
                .timing(fetchedAtMillis, elapsedMillis(startNanos))
                .location(locationOf(response))
                .retryAfterMs(retryAfterMs(response, System.currentTimeMillis()))
                .http(messages(response, bodyRead))
                .build();
    }

    /** The messages on the wire: the network request carries the headers okhttp added (Host, Accept-Encoding, ...). */
    private static HttpMessages messages(Response response, boolean bodyRead) {
        Response network = response.networkResponse();
        Request sent = network != null ? network.request() : response.request();
        return new HttpMessages(response.protocol().toString(), sent.method(), pairs(sent.headers()),
                response.message(), pairs(response.headers()), bodyRead);
    }

    private static String[] pairs(Headers headers) {
        String[] pairs = new String[headers.size() * 2];
        for (int i = 0; i < headers.size(); i++) {
            pairs[2 * i] = headers.name(i);
            pairs[2 * i + 1] = headers.value(i);
        }
        return pairs;
    }

    /**
     * Whether the body of a response with this media type is read: its {@code type/subtype}
     * (parameters ignored, case-insensitive) is one of {@code allowed}, or {@code allowed} is
     * empty (any type, even none).
     */
    static boolean accepts(String[] allowed, MediaType mediaType) {
        if (allowed == null || allowed.length == 0) {
            return true;
        }
        if (mediaType == null) {
            return false;
        }
        String essence = mediaType.type() + "/" + mediaType.subtype();
        for (String candidate : allowed) {
            if (candidate != null && essence.equals(stripParameters(candidate))) {
                return true;
            }
        }
        return false;
    }

    /** The absolute target of a redirect, resolved against the URL that answered; null for other responses. */
    static String locationOf(Response response) {
        if (!response.isRedirect()) {
            return null;
        }
        String location = response.header("Location");
        HttpUrl target = location == null ? null : response.request().url().resolve(location);
        return target == null ? null : target.toString();
    }

    /**
     * How long a 429 or 503 response asks to wait: its Retry-After in seconds or as an HTTP date
     * (RFC 9110), at least 0; -1 for other responses and when the header is absent or invalid.
     */
    static long retryAfterMs(Response response, long nowMillis) {
        if (response.code() != 429 && response.code() != 503) {
            return -1;
        }
        String value = response.header("Retry-After");
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Math.multiplyExact(Long.parseLong(value.trim()), 1000L));
        } catch (NumberFormatException | ArithmeticException e) {
            Date date = response.headers().getDate("Retry-After");
            return date == null ? -1 : Math.max(0, date.getTime() - nowMillis);
        }
    }

    static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static String stripParameters(String contentType) {
        int semicolon = contentType.indexOf(';');
        String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return essence.strip().toLowerCase(Locale.ROOT);
    }

    private static long limit(long maxBytes) {
        return maxBytes > 0 ? Math.min(maxBytes, MAX_ARRAY_BYTES) : MAX_ARRAY_BYTES;
    }
}
