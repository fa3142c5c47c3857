package dev.grpcedge.bench.cli;

import dev.grpcedge.cli.Defaults;
import dev.grpcedge.cli.ClientCredentialOptions;
import dev.grpcedge.bench.BenchChannels;
import dev.grpcedge.bench.BenchMetadata;
import dev.grpcedge.bench.BenchReport;
import dev.grpcedge.bench.ReplyStreamWorkload;
import dev.grpcedge.bench.BidiWorkload;
import dev.grpcedge.bench.GrpcWebWorkload;
import dev.grpcedge.bench.LoadRun;
import dev.grpcedge.bench.LoadShape;
import dev.grpcedge.bench.ServerCpu;
import dev.grpcedge.bench.UnaryWorkload;
import dev.grpcedge.bench.Workload;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.TokenSources;
import dev.grpcedge.config.Durations;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.tls.TlsException;
import io.grpc.CallCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code grpc-edge bench}: a load generator for any grpc-edge or Greeter, with fixed tokens (one per connection) or a
 * token source (OAuth2 client credentials). Counts only {@code OK} calls, reports errors by status code and
 * HdrHistogram latency percentiles. Exits 0 when every measured call was {@code OK}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Load a Greeter over TLS and report OK calls/s, errors by status and latency percentiles.",
        "Exit status: 0 when every measured call was OK, 1 when some were not, 2 on bad options."},
    subcommands = {BenchHandshakesCommand.class, BenchIdleCommand.class, BenchVerifyCommand.class,
        BenchChartCommand.class, BenchBatchCommand.class, BenchAbCommand.class})
public final class BenchCommand implements Callable<Integer> {
  /** What one operation is. */
  enum Method {
    SayHello,
    BidiHello,
    LotsOfReplies
  }

  @Option(names = "--target", description = "HOST:PORT (default: $GRPC_EDGE_LISTEN when set, else " + Defaults.TARGET
      + ").")
  String target;

  @Option(names = "--ca", description = "PEM CA bundle to trust (default: certs/ca.pem of the grpc-edge folder if"
      + " present, else the system trust store).")
  Path ca;

  @Option(names = "--token", description = "Bearer token for every connection (default: $GRPC_EDGE_TOKEN).")
  String token;

  @Option(names = "--token-file", description = "Tokens, one per line, given to the connections round robin.")
  Path tokenFile;

  /** Or a token source: OAuth2 client credentials, fetched and fetched again before they expire. */
  @Mixin
  ClientCredentialOptions clientCredentials;

  @Option(names = "--metadata", paramLabel = "NAME=VALUE",
      description = "A header (ASCII) to send with every call; repeatable. Tokens go in --token or --token-file.")
  Map<String, String> metadata = new LinkedHashMap<>();

  @Option(names = "--method", defaultValue = "SayHello",
      description = "SayHello (unary calls), BidiHello (message round trips on streams) or LotsOfReplies (server"
          + " streams of " + ReplyStreamWorkload.REPLIES + " replies each, an operation a stream)"
          + " (default: ${DEFAULT-VALUE}).")
  Method method;

  @Option(names = "--connections", defaultValue = "1", description = "TLS connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @ArgGroup(exclusive = true)
  Load load = new Load();

  /** Closed or open loop; {@code bench ab} takes the same options. */
  static final class Load {
    @Option(names = "--concurrency", description = "Closed loop: operations in flight (default: 64).")
    Integer concurrency;

    @Option(names = "--rate", description = "Open loop: operations per second offered, however the server keeps up.")
    Double rate;

    /** The shape asked for: 64 in flight when neither option is given; a bad value throws IllegalArgumentException. */
    LoadShape shape() {
      return rate != null ? LoadShape.open(rate) : LoadShape.closed(concurrency == null ? 64 : concurrency);
    }
  }

  @Option(names = "--warmup", defaultValue = "5s", description = "Uncounted warm-up, e.g. 5s (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--duration", defaultValue = "10s", description = "Measured period, e.g. 30s (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--payload-bytes", defaultValue = "5",
      description = "Length of the name sent, 1 to 256 (the Greeter's limit) (default: ${DEFAULT-VALUE}).")
  int payloadBytes;

  @Option(names = "--label", defaultValue = "grpc-edge bench", description = "Name of this run in the report.")
  String label;

  @Option(names = "--json", description = "Print the report as one JSON object.")
  boolean json;

  @Option(names = "--percentiles-out", description = "Also write the latency distribution (percentile, ms) to this file.")
  Path percentilesOut;

  @Option(names = "--server-pid", description = "PID of the server, when on this machine: also report OK per server CPU-second.")
  Long serverPid;

  @Option(names = "--protocol", defaultValue = "grpc", description = "grpc (native, the default) or grpc-web: SayHello"
      + " over gRPC-Web, HTTP/2, as a browser calls the web listener (give its port as --target).")
  String protocol;

  @Option(names = "--no-progress", description = "No progress line on stderr.")
  boolean noProgress;

  @Override
  public Integer call() throws InterruptedException {
    Duration warm;
    Duration measured;
    LoadShape shape;
    List<String> tokens;
    CallCredentials tokenSource = null;
    Map<String, String> headers;
    String to;
    try {
      to = target != null ? Defaults.checkTarget(target) : Defaults.target(System.getenv());
      warm = Durations.parse(warmup);
      measured = Durations.parse(duration);
      if (measured.isZero() || connections < 1 || payloadBytes < 1 || payloadBytes > 256) {
        throw new IllegalArgumentException("--duration must be positive, --connections at least 1, "
            + "--payload-bytes 1 to 256");
      }
      shape = load.shape();
      if (clientCredentials.chosen()) {
        if (token != null || tokenFile != null) {
          throw new IllegalArgumentException("choose one of --token, --token-file, --token-url");
        }
        tokens = List.of();
        tokenSource = BearerCredentials.from(TokenSources.clientCredentials(clientCredentials.config()));
      } else {
        tokens = tokens(tokenFile, token != null ? token : System.getenv("GRPC_EDGE_TOKEN"));
      }
      headers = BenchMetadata.parse(metadata);
      if (!protocol.equals("grpc") && !protocol.equals("grpc-web")) {
        throw new IllegalArgumentException("--protocol: grpc or grpc-web, not " + protocol);
      }
      if (protocol.equals("grpc-web") && (method != Method.SayHello || tokenSource != null || !headers.isEmpty())) {
        throw new IllegalArgumentException("--protocol grpc-web calls SayHello with --token or --token-file only");
      }
    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
      System.err.println("grpc-edge bench: " + e.getMessage());
      return 2;
    }
    HelloRequest request = HelloRequest.newBuilder().setName("x".repeat(payloadBytes)).build();
    BenchReport report;
    try (Workload workload = protocol.equals("grpc-web") ? grpcWeb(to, tokens, request)
        : workload(method, BenchChannels.open(to, caFile(ca), connections, tokens, headers, tokenSource), request)) {
      LoadRun.Measured result = new LoadRun(workload, shape, noProgress ? null : System.err)
          .run(warm, measured, serverPid == null ? null : new ServerCpu(serverPid));
      report = result.report(label, to, protocol.equals("grpc-web") ? "SayHello over gRPC-Web" : method.name(), shape,
          connections);
    } catch (TlsException | IllegalArgumentException e) {
      System.err.println("grpc-edge bench: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      // The run could not be measured (the load was not kept up, or calls never ended).
      System.err.println("grpc-edge bench: " + e.getMessage());
      return 1;
    }
    System.out.print(json ? report.json() + "\n" : report.text());
    if (percentilesOut != null && !writeAtomically(percentilesOut, report.percentileTable())) {
      return 2;
    }
    return report.errorCount() == 0 && report.ok() > 0 ? 0 : 1;
  }

  private Workload grpcWeb(String to, List<String> tokens, HelloRequest request) {
    try {
      return new GrpcWebWorkload(to, caFile(ca), connections, tokens, request);
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot set up gRPC-Web to " + to + ": " + e.getMessage(), e);
    }
  }

  static Workload workload(Method method, BenchChannels channels, HelloRequest request) {
    return switch (method) {
      case BidiHello -> new BidiWorkload(channels, request);
      case LotsOfReplies -> new ReplyStreamWorkload(channels, request);
      case SayHello -> new UnaryWorkload(channels, request);
    };
  }

  /** The tokens in {@code file}, one per line; without a file, {@code bearer} alone (none when it is null). */
  static List<String> tokens(Path file, String bearer) throws IOException {
    List<String> out = new ArrayList<>();
    if (file != null) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(line.trim());
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(file + ": no tokens in it");
      }
      return out;
    }
    if (bearer != null && !bearer.isBlank()) {
      out.add(bearer.trim());
    }
    return out;
  }

  /** {@code ca}, or the dev CA {@code certs/ca.pem} when present, or null for the system trust store. */
  static Path caFile(Path ca) {
    if (ca != null) {
      return ca;
    }
    return Defaults.devCa();
  }

  static boolean writeAtomically(Path file, String text) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      System.err.println("grpc-edge bench: cannot write " + file + ": " + e.getMessage());
      return false;
    }
  }
}
