package dev.grpcedge.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs another language's client as a child process, and decides whether a missing tool skips or fails. */
public final class Subprocess {
  private Subprocess() {}

  /** What a finished process printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  /** The repository root, where {@code proto/}, {@code scripts/} and {@code examples/} are. */
  public static Path projectDir() {
    return Path.of(System.getProperty("grpcedge.repo", "")).toAbsolutePath();
  }

  /** Runs {@code command} in {@code dir} with {@code env} added, for at most 60 seconds. */
  public static Result run(List<String> command, Map<String, String> env, Path dir) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(command.get(0) + " did not finish in 60 s");
    }
    return new Result(process.exitValue(), out.get(), err.get());
  }

  /** Whether {@code command} runs and exits 0 (a probe for an installed tool). */
  public static boolean succeeds(List<String> command, Path dir) {
    try {
      return run(command, Map.of(), dir).exitCode() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Skips the test with {@code why} when a tool is missing on a developer's machine; in CI (where {@code .ci/run}
   * installs it) a missing tool fails the test, so it can never be skipped silently there.
   */
  public static void requireTool(boolean present, String why) {
    if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
      if (!present) {
        fail(why + " (CI is set, so this fails instead of skipping)");
      }
      return;
    }
    Assumptions.assumeTrue(present, why);
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    });
  }
}
