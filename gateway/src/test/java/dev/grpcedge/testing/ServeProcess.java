package dev.grpcedge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code grpc-edge serve} in its own JVM, on this test's class path, with its output in a file: for what
 * only a process can show (signals, exit codes, a provider that fails to load).
 */
public final class ServeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final Path log;

  private ServeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java [jvmFlags] dev.grpcedge.Main serve --config CONFIG} with extra environment variables. */
  public static ServeProcess start(Path config, List<String> jvmFlags, Map<String, String> env) throws IOException {
    return start(config, jvmFlags, env, List.of());
  }

  /** As {@link #start(Path, List, Map)}, with more arguments for {@code serve}. */
  public static ServeProcess start(Path config, List<String> jvmFlags, Map<String, String> env, List<String> serveArgs)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmFlags);
    // The gateway's own logging, as a user runs it (the tests' logback-test.xml keeps the console quiet).
    command.add("-Dlogback.configurationFile=logback.xml");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.grpcedge.Main",
        "serve", "--config", config.toString()));
    command.addAll(serveArgs);
    Path log = config.resolveSibling("serve-" + System.nanoTime() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new ServeProcess(builder.start(), log);
  }

  public Process process() {
    return process;
  }

  /** Everything the process has printed so far. */
  public String output() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** Waits for the start-up line and returns the port; fails with the output if the process exits first. */
  public int awaitListening() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Matcher m = LISTENING.matcher(output());
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!process.isAlive() || System.nanoTime() > until) {
        throw new AssertionError("serve did not start: " + output());
      }
      Thread.sleep(20);
    }
  }

  /** Waits for the process to exit and returns its exit code. */
  public int awaitExit() throws Exception {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("serve did not exit: " + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
