package io.streamcrawl.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends one command to a redis-server over plain RESP, without a client library: enough for the
 * extensions to probe readiness and cluster state before any test code connects.
 */
final class Resp {
    private Resp() {}

    /**
     * Sends a command to 127.0.0.1:{@code port} and returns its reply as text: a simple or bulk
     * string as is, an integer in decimal, an array's elements one per line.
     *
     * @throws IOException when the server cannot be reached or answers with an error
     */
    static String call(int port, String... parts) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            StringBuilder request = new StringBuilder("*").append(parts.length).append("\r\n");
            for (String part : parts) {
                request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(part).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reply(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** Whether a redis-server on 127.0.0.1:{@code port} answers PING. */
    static boolean answersPing(int port) {
        try {
            return "PONG".equals(call(port, "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String reply(InputStream in) throws IOException {
        String line = line(in);
        switch (line.isEmpty() ? ' ' : line.charAt(0)) {
            case '+':
            case ':':
                return line.substring(1);
            case '-':
                throw new IOException("redis error reply: " + line.substring(1));
            case '$': {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] bulk = in.readNBytes(length + 2);
                return new String(bulk, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line.substring(1));
                StringBuilder elements = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    elements.append(i == 0 ? "" : "\n").append(reply(in));
                }
                return elements.toString();
            }
            default:
                throw new IOException("unexpected reply line: " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c == -1 && line.size() == 0) {
            throw new IOException("connection closed without a reply");
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
