package dev.grpcedge.bench.cli;

import dev.grpcedge.bench.VerifyBenchmark;
import dev.grpcedge.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpc-edge bench verify}: uncached JWT verifications per second for RS256, ES256 and EdDSA keys, measured
 * by JMH ({@link VerifyBenchmark}) in a forked JVM. JMH's own progress goes to stderr, the results to stdout.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Uncached JWT verifications/s through the gateway's verifier, per signing algorithm (JMH).")
public final class BenchVerifyCommand implements Callable<Integer> {
  @Option(names = "--threads", defaultValue = "2", description = "Verifying threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--warmup", defaultValue = "3s",
      description = "Uncounted warm-up per algorithm, in --iteration steps (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--duration", defaultValue = "5s",
      description = "Measured time per algorithm, in --iteration steps (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--iteration", defaultValue = "1s", description = "One JMH iteration (default: ${DEFAULT-VALUE}).")
  String iteration;

  @Option(names = "--forks", defaultValue = "1",
      description = "JVMs forked per algorithm; 0 runs in this JVM, for tests only (default: ${DEFAULT-VALUE}).")
  int forks;

  @Option(names = "--algorithm", split = ",", defaultValue = "RS256,ES256,EdDSA",
      description = "Algorithms to measure (default: ${DEFAULT-VALUE}).")
  List<VerifyBenchmark.Algorithm> algorithms;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws RunnerException {
    Options options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      System.err.println("grpc-edge bench verify: " + e.getMessage());
      return 2;
    }
    Collection<RunResult> runs =
        new Runner(options, OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).run();
    List<Result<?>> results = new ArrayList<>();
    for (VerifyBenchmark.Algorithm algorithm : algorithms) {
      results.add(runs.stream().filter(r -> algorithm.name().equals(r.getParams().getParam("algorithm"))).findFirst()
          .orElseThrow(() -> new IllegalStateException("JMH returned no result for " + algorithm))
          .getPrimaryResult());
    }
    System.out.print(json ? json(results) : text(results));
    return 0;
  }

  private Options options() {
    Duration step = Durations.parse(iteration);
    Duration warm = Durations.parse(warmup);
    Duration measured = Durations.parse(duration);
    if (threads < 1 || forks < 0 || step.isZero()) {
      throw new IllegalArgumentException("--threads and --iteration must be positive, --forks not negative");
    }
    return new OptionsBuilder()
        .include(VerifyBenchmark.class.getName() + ".verify")
        .param("algorithm", algorithms.stream().map(Enum::name).toArray(String[]::new))
        .mode(Mode.Throughput).timeUnit(TimeUnit.SECONDS)
        .threads(threads).forks(forks)
        .warmupIterations(steps(warm, step)).warmupTime(time(step))
        .measurementIterations(Math.max(1, steps(measured, step))).measurementTime(time(step))
        .shouldFailOnError(true)
        .build();
  }

  private String text(List<Result<?>> results) {
    StringBuilder out = new StringBuilder();
    double first = results.get(0).getScore();
    for (int i = 0; i < results.size(); i++) {
      Result<?> r = results.get(i);
      out.append(String.format(Locale.ROOT, "%-6s %10.0f ± %6.0f verifications/s on %d thread(s)  (%s / this: %.2f)%n",
          algorithms.get(i), r.getScore(), r.getScoreError(), threads, algorithms.get(0), first / r.getScore()));
    }
    return out.toString();
  }

  private String json(List<Result<?>> results) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < results.size(); i++) {
      Result<?> r = results.get(i);
      out.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "\"%s\":%.1f,\"%s_error\":%.1f",
          algorithms.get(i), r.getScore(), algorithms.get(i), finite(r.getScoreError())));
    }
    return out.append("}\n").toString();
  }

  /** JMH's error is NaN with fewer than two iterations; JSON has no NaN. */
  private static double finite(double value) {
    return Double.isFinite(value) ? value : 0;
  }

  private static int steps(Duration total, Duration step) {
    return (int) (total.toMillis() / step.toMillis());
  }

  private static TimeValue time(Duration step) {
    return TimeValue.milliseconds(step.toMillis());
  }
}
