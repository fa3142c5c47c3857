package dev.grpcedge.bench.cli;

import dev.grpcedge.bench.BenchChannels;
import dev.grpcedge.bench.BenchMetadata;
import dev.grpcedge.bench.BenchReport;
import dev.grpcedge.bench.LoadShape;
import dev.grpcedge.bench.ServerCpu;
import dev.grpcedge.bench.TakingTurns;
import dev.grpcedge.bench.TakingTurns.Result;
import dev.grpcedge.bench.TurnsReport;
import dev.grpcedge.bench.Workload;
import dev.grpcedge.config.Durations;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.tls.TlsException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpc-edge bench ab}: two targets under one load (a closed loop, or an open loop with {@code --rate}),
 * taking turns every slice, and the medians of the paired slices' A / B in throughput and latency. For comparing
 * servers on a machine too noisy for runs made one after the other.
 */
@Command(name = "ab", mixinStandardHelpOptions = true,
    description = {"Load two Greeters in turns (A B, B A, A B, ... one slice each) with one closed loop (or one open "
        + "loop with --rate), and report each side and the medians over pairs of slices of A / B in OK/s (and per "
        + "server CPU-second) and in p50 and p99 latency.",
        "Exit status: 0 when every measured call was OK on both sides, 1 when some were not, 2 on bad options."})
public final class BenchAbCommand implements Callable<Integer> {
  @Option(names = "--a-target", required = true, description = "A's HOST:PORT.")
  String aTarget;

  @Option(names = "--b-target", required = true, description = "B's HOST:PORT.")
  String bTarget;

  @Option(names = "--ca", description = "PEM CA bundle to trust (both sides).")
  Path ca;

  @Option(names = "--a-token-file", description = "Tokens for A's connections, one per line (default: none).")
  Path aTokenFile;

  @Option(names = "--b-token-file", description = "Tokens for B's connections, one per line (default: none).")
  Path bTokenFile;

  @Option(names = "--a-metadata", paramLabel = "NAME=VALUE",
      description = "A header (ASCII) to send with A's calls; repeatable.")
  Map<String, String> aMetadata = new LinkedHashMap<>();

  @Option(names = "--b-metadata", paramLabel = "NAME=VALUE",
      description = "A header (ASCII) to send with B's calls; repeatable.")
  Map<String, String> bMetadata = new LinkedHashMap<>();

  @Option(names = "--a-server-pid", description = "PID of A's server on this machine: also compare per server CPU-second.")
  Long aServerPid;

  @Option(names = "--b-server-pid", description = "PID of B's server on this machine.")
  Long bServerPid;

  @Option(names = "--a-label", defaultValue = "a", description = "Name of A's report (default: ${DEFAULT-VALUE}).")
  String aLabel;

  @Option(names = "--b-label", defaultValue = "b", description = "Name of B's report (default: ${DEFAULT-VALUE}).")
  String bLabel;

  @Option(names = "--a-percentiles-out", description = "Write A's latency distribution (percentile, ms) to this file.")
  Path aPercentilesOut;

  @Option(names = "--b-percentiles-out", description = "Write B's latency distribution to this file.")
  Path bPercentilesOut;

  @Option(names = "--method", defaultValue = "SayHello",
      description = "SayHello or BidiHello (default: ${DEFAULT-VALUE}).")
  BenchCommand.Method method;

  @Option(names = "--connections", defaultValue = "1", description = "TLS connections per side (default: ${DEFAULT-VALUE}).")
  int connections;

  @ArgGroup(exclusive = true)
  BenchCommand.Load load = new BenchCommand.Load();

  @Option(names = "--payload-bytes", defaultValue = "5", description = "Length of the name sent, 1 to 256 (default: ${DEFAULT-VALUE}).")
  int payloadBytes;

  @Option(names = "--warmup", defaultValue = "2s", description = "Uncounted warm-up, in turns too (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--slice", defaultValue = "100ms", description = "Length of one turn (default: ${DEFAULT-VALUE}).")
  String slice;

  @Option(names = "--pairs", defaultValue = "120", description = "Measured pairs of slices, one A and one B each (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--label", defaultValue = "ab", description = "Name of the comparison in the report.")
  String label;

  @Option(names = "--json", description = "Print A's report, B's report and the comparison as three JSON lines.")
  boolean json;

  /** A's and B's workloads, taking turns; when B's cannot be opened, A's channels are closed before the error. */
  private TakingTurns turns(Path caFile, HelloRequest request, List<String> aTokens, Map<String, String> aHeaders,
      List<String> bTokens, Map<String, String> bHeaders) {
    Workload a =
        BenchCommand.workload(method, BenchChannels.open(aTarget, caFile, connections, aTokens, aHeaders, null), request);
    try {
      Workload b =
          BenchCommand.workload(method, BenchChannels.open(bTarget, caFile, connections, bTokens, bHeaders, null), request);
      return new TakingTurns(a, b, aServerPid == null ? null : new ServerCpu(aServerPid),
          bServerPid == null ? null : new ServerCpu(bServerPid));
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Duration warm;
    Duration turn;
    LoadShape shape;
    List<String> aTokens;
    List<String> bTokens;
    Map<String, String> aHeaders;
    Map<String, String> bHeaders;
    try {
      warm = Durations.parse(warmup);
      turn = Durations.parse(slice);
      if (turn.isZero() || pairs < 1 || connections < 1 || payloadBytes < 1 || payloadBytes > 256) {
        throw new IllegalArgumentException("--slice must be positive, --pairs and --connections at least 1, "
            + "--payload-bytes 1 to 256");
      }
      shape = load.shape();
      aTokens = BenchCommand.tokens(aTokenFile, null);
      bTokens = BenchCommand.tokens(bTokenFile, null);
      aHeaders = BenchMetadata.parse(aMetadata);
      bHeaders = BenchMetadata.parse(bMetadata);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("grpc-edge bench ab: " + e.getMessage());
      return 2;
    }
    HelloRequest request = HelloRequest.newBuilder().setName("x".repeat(payloadBytes)).build();
    Path caFile = BenchCommand.caFile(ca);
    Result result;
    try (TakingTurns turns = turns(caFile, request, aTokens, aHeaders, bTokens, bHeaders)) {
      result = turns.run(shape, turn.toNanos(), warm.toNanos(), pairs);
    } catch (TlsException | IllegalArgumentException e) {
      System.err.println("grpc-edge bench ab: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      System.err.println("grpc-edge bench ab: " + e.getMessage());
      return 1;
    }
    String how = shape.describe() + ", in turns of " + slice;
    BenchReport a = result.report(0, aLabel, aTarget, method.name(), how, connections);
    BenchReport b = result.report(1, bLabel, bTarget, method.name(), how, connections);
    TurnsReport comparison = new TurnsReport(label, turn, result);
    System.out.print(json ? a.json() + "\n" + b.json() + "\n" + comparison.json() + "\n"
        : a.text() + b.text() + comparison.text());
    if ((aPercentilesOut != null && !BenchCommand.writeAtomically(aPercentilesOut, a.percentileTable()))
        || (bPercentilesOut != null && !BenchCommand.writeAtomically(bPercentilesOut, b.percentileTable()))) {
      return 2;
    }
    return a.errorCount() == 0 && b.errorCount() == 0 && a.ok() > 0 && b.ok() > 0 ? 0 : 1;
  }
}
