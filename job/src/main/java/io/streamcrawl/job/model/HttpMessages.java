package io.streamcrawl.job.model;

/**
 * The HTTP messages of a fetch as they were exchanged, for archiving (WARC): the request sent on
 * the network and the status line and headers of the response that answered.
 *
 * <p>Headers are flat name/value pairs in the order they were sent or received. The response
 * headers are the ones that describe the fetch result's body: when the client decoded a
 * compressed body it also dropped {@code Content-Encoding} and {@code Content-Length}.
 *
 * @param protocol the protocol that carried the exchange, as okhttp names it ({@code http/1.1}, {@code h2})
 * @param method the request method
 * @param requestHeaders the request's headers, names at even and values at odd indexes
 * @param reason the response's reason phrase; empty when the protocol has none (HTTP/2)
 * @param responseHeaders the response's headers, names at even and values at odd indexes
 * @param bodyRead whether the body was read (cut at max bytes when the result says truncated);
 *     false when the crawl did not want it (an error status, a media type the task does not accept)
 */
public record HttpMessages(
        String protocol,
        String method,
        String[] requestHeaders,
        String reason,
        String[] responseHeaders,
        boolean bodyRead) {

    /** The first value of a response header (name case-insensitive), or null. */
    public String responseHeader(String name) {
        for (int i = 0; i + 1 < responseHeaders.length; i += 2) {
            if (responseHeaders[i].equalsIgnoreCase(name)) {
                return responseHeaders[i + 1];
            }
        }
        return null;
    }
}
