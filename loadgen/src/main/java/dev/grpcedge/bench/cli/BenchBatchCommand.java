package dev.grpcedge.bench.cli;

import dev.grpcedge.cli.CommandLines;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grpc-edge bench batch FILE}: several bench runs one after another in one JVM. A fresh load generator
 * spends its first half-minute compiling itself, so runs compared side by side (A B A B) from separate JVMs
 * measure the client's JIT as much as the servers; in one JVM only the first run pays for it.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = {"Run several bench runs one after another in this JVM, so the load generator is warm for all "
        + "but the first.",
        "FILE: one argument per line, a blank line between runs, '#' lines ignored. A run is what follows "
        + "'grpc-edge bench' on a command line (so 'handshakes' first makes a handshake run).",
        "With --settle, the first run is a warm-up for this JVM: it is repeated, unmeasured, until one repetition "
        + "adds under 0.25 s of JIT compile time.",
        "Exit status: the highest of the runs' (0 when every run's calls were all OK), 2 when FILE is unreadable."})
public final class BenchBatchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The runs.")
  Path plan;

  /** A warm-up repetition that compiles less than this leaves the load generator settled. */
  static final long QUIET_COMPILE_MILLIS = 250;

  @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "0",
      description = "Repeat the first run until this JVM's JIT settles, for SECONDS at most (default: ${DEFAULT-VALUE}, "
          + "run it once). A fresh generator pinned to one core compiles for tens of seconds; until then it, not "
          + "the server, limits the first rounds.")
  int settleSeconds;

  @Override
  public Integer call() {
    List<List<String>> runs;
    try {
      runs = runs(Files.readAllLines(plan));
    } catch (IOException e) {
      System.err.println("grpc-edge bench batch: cannot read " + plan + ": " + e.getMessage());
      return 2;
    }
    int worst = 0;
    for (int i = 0; i < runs.size(); i++) {
      worst = Math.max(worst, i == 0 && settleSeconds > 0 ? settle(runs.get(0)) : execute(runs.get(i)));
    }
    return worst;
  }

  /** Runs {@code warmUp} until a repetition adds under {@link #QUIET_COMPILE_MILLIS} of compile time. */
  private int settle(List<String> warmUp) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return execute(warmUp);
    }
    long deadline = System.nanoTime() + settleSeconds * 1_000_000_000L;
    int worst = 0;
    long compiled;
    do {
      long before = jit.getTotalCompilationTime();
      worst = Math.max(worst, execute(warmUp));
      compiled = jit.getTotalCompilationTime() - before;
    } while (compiled >= QUIET_COMPILE_MILLIS && System.nanoTime() < deadline);
    return worst;
  }

  private static int execute(List<String> run) {
    int status = CommandLines.configure(new CommandLine(new BenchCommand())).execute(run.toArray(new String[0]));
    System.out.flush();
    return status;
  }

  /** Splits a plan into runs: one argument per line, runs separated by blank lines. */
  static List<List<String>> runs(List<String> lines) {
    List<List<String>> runs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          runs.add(current);
          current = new ArrayList<>();
        }
      } else if (!line.startsWith("#")) {
        current.add(line.strip());
      }
    }
    if (!current.isEmpty()) {
      runs.add(current);
    }
    return runs;
  }
}
