package dev.grpcedge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
        "Exit status: the highest of the runs' (0 when every run's calls were all OK), 2 when FILE is unreadable."})
public final class BenchBatchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The runs.")
  Path plan;

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
    for (List<String> run : runs) {
      worst = Math.max(worst, new CommandLine(new BenchCommand()).execute(run.toArray(new String[0])));
      System.out.flush();
    }
    return worst;
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
