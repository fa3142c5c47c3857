package dev.grpcedge.cli;

import dev.grpcedge.bench.VerifyThroughput;
import dev.grpcedge.config.Durations;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpc-edge bench verify}: uncached JWT verifications per second for RS256, ES256 and EdDSA keys. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Uncached JWT verifications/s through the gateway's verifier, per signing algorithm.")
public final class BenchVerifyCommand implements Callable<Integer> {
  @Option(names = "--threads", defaultValue = "2", description = "Verifying threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--warmup", defaultValue = "3s", description = "Uncounted warm-up per algorithm (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--duration", defaultValue = "5s", description = "Measured period per algorithm (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    StringBuilder text = new StringBuilder();
    StringBuilder jsonOut = new StringBuilder("{");
    double rs256 = 0;
    for (VerifyThroughput.Algorithm alg : VerifyThroughput.Algorithm.values()) {
      var result = VerifyThroughput.prepare(alg).run(threads, Durations.parse(warmup), Durations.parse(duration));
      if (alg == VerifyThroughput.Algorithm.RS256) {
        rs256 = result.perCpuSecond();
      }
      text.append(String.format(Locale.ROOT,
          "%-6s %10.0f verifications/s on %d thread(s), %8.0f per CPU-second  (RS256 / this, per CPU-second: %.2f)%n",
          alg, result.perSecond(), threads, result.perCpuSecond(), rs256 / result.perCpuSecond()));
      jsonOut.append(jsonOut.length() > 1 ? "," : "").append(String.format(Locale.ROOT,
          "\"%s\":%.1f,\"%s_per_cpu_second\":%.1f", alg, result.perSecond(), alg, result.perCpuSecond()));
    }
    System.out.print(json ? jsonOut.append("}\n") : text);
    return 0;
  }
}
