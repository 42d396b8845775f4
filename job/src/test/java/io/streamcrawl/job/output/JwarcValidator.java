package io.streamcrawl.job.output;

import org.netpreserve.jwarc.WarcReader;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs jwarc's own {@code validate} command (WARC 1.1 header rules, block and payload digests,
 * HTTP Content-Length) on WARC files, in a JVM of its own because the tool exits.
 */
public final class JwarcValidator {
    private JwarcValidator() {}

    /** The validator's verdict: exit code 0 when every file validates, and what it printed on stderr. */
    public record Verdict(int exitCode, String errors) {}

    public static Verdict validate(List<Path> warcFiles) throws IOException, InterruptedException, URISyntaxException {
        String jwarcJar = Path.of(WarcReader.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jwarcJar, "org.netpreserve.jwarc.tools.WarcTool", "validate"));
        warcFiles.forEach(file -> command.add(file.toString()));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("jwarc validate did not finish within 2 minutes: " + command);
        }
        return new Verdict(process.exitValue(), errors);
    }
}
