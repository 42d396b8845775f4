package io.streamcrawl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real server binary run as a child process on loopback, with its own data directory and
 * log file. Shared by the Redis and etcd extensions; knows nothing of either protocol.
 */
final class LocalServerProcess {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(1);

    private final String binary;
    private final Path dataDir;
    private final Path logFile;
    private Process process;

    LocalServerProcess(String binary, Path dataDir) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.logFile = dataDir.resolve(binary + ".log");
    }

    /** Starts the binary with the given arguments and waits until {@code ready} holds. */
    void start(List<String> args, BooleanSupplier ready) {
        String executable = findOnPath(binary);
        try {
            Files.createDirectories(dataDir);
            List<String> command = new java.util.ArrayList<>();
            command.add(executable);
            command.addAll(args);
            process = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " in " + dataDir, e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        binary + " exited with " + process.exitValue() + " at start:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException(
                        binary + " did not become ready in " + START_TIMEOUT + ":\n" + logTail());
            }
            pause();
        }
    }

    /** Stops the process gracefully (SIGTERM), forcibly after a timeout. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the process without letting it shut down cleanly (SIGKILL). */
    void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    Path dataDir() {
        return dataDir;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    /**
     * Runs a tool ({@code command.get(0)}, looked up on the PATH) to completion in {@code dir}.
     *
     * @throws IOException with the tool's output when it fails or runs longer than a minute
     */
    static void run(Path dir, List<String> command) throws IOException {
        List<String> resolved = new java.util.ArrayList<>(command);
        resolved.set(0, findOnPath(command.get(0)));
        Process process = new ProcessBuilder(resolved).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    static String findOnPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/sbin:/usr/bin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(binary + " not found: run scripts/setup.sh");
    }

    /** A TCP port that is free on loopback now (another process may still take it later). */
    /**
     * Runs {@code start} (choose free ports, start the server on them) again, up to 5 times, when
     * the server could not bind a port: another process (a test JVM beside this one, a client's
     * ephemeral port) may take a port between choosing it and the server binding it.
     */
    static void startOnFreePorts(Runnable start) {
        for (int attempt = 1; ; attempt++) {
            try {
                start.run();
                return;
            } catch (IllegalStateException e) {
                if (attempt == 5 || e.getMessage() == null
                        || !e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** A fresh, empty directory for one server under the build's target directory. */
    static Path freshDataDir(String name) {
        try {
            Path base = Path.of(System.getProperty("streamcrawl.test.dir", "target/test-servers"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for " + name, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server", e);
        }
    }
}
