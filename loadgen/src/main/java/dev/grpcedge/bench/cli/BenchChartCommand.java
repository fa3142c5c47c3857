package dev.grpcedge.bench.cli;

import dev.grpcedge.bench.LatencyChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grpc-edge bench chart}: draws latency-percentile curves from {@code --percentiles-out} files as a PNG. */
@Command(name = "chart", mixinStandardHelpOptions = true,
    description = "Write a PNG latency-percentile chart from LABEL=FILE pairs written by --percentiles-out.")
public final class BenchChartCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "PNG file to write.")
  Path out;

  @Option(names = "--title", defaultValue = "grpc-edge latency by percentile", description = "Chart title.")
  String title;

  @Parameters(arity = "1..*", paramLabel = "LABEL=FILE", description = "A curve: its legend and its percentile file.")
  List<String> runs;

  @Override
  public Integer call() {
    LatencyChart chart = new LatencyChart(title);
    for (String run : runs) {
      int eq = run.indexOf('=');
      if (eq < 1) {
        System.err.println("grpc-edge bench chart: expected LABEL=FILE, got " + run);
        return 2;
      }
      chart.add(run.substring(0, eq), Path.of(run.substring(eq + 1)));
    }
    try {
      chart.writePng(out);
    } catch (IOException | RuntimeException e) {
      System.err.println("grpc-edge bench chart: cannot write " + out + ": " + e.getMessage());
      return 2;
    }
    System.err.println("wrote " + out);
    return 0;
  }
}
