package dev.grpcedge.bench.cli;

import dev.grpcedge.bench.BenchReport;
import dev.grpcedge.bench.HandshakeLoad;
import dev.grpcedge.bench.LoadRun;
import dev.grpcedge.bench.LoadShape;
import dev.grpcedge.bench.ServerCpu;
import dev.grpcedge.bench.ClientCrypto;
import dev.grpcedge.config.Durations;
import dev.grpcedge.tls.TlsContexts;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpc-edge bench handshakes}: new TLS connections (handshakes) per second against a server. */
@Command(name = "handshakes", mixinStandardHelpOptions = true,
    description = "Open, handshake and close TLS connections in a closed loop; report handshakes/s.")
public final class BenchHandshakesCommand implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "localhost:8443", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--ca", required = true, description = "PEM CA bundle to trust.")
  Path ca;

  @Option(names = "--resume", description = "Offer the previous session again (resumed handshakes).")
  boolean resume;

  @Option(names = "--concurrency", defaultValue = "16", description = "Handshakes in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--threads", defaultValue = "1", description = "Client event-loop threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--warmup", defaultValue = "3s", description = "Uncounted warm-up (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--duration", defaultValue = "10s", description = "Measured period (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--label", defaultValue = "handshakes", description = "Name of this run in the report.")
  String label;

  @Option(names = "--server-pid", description = "PID of the server, when on this machine: also report handshakes per server CPU-second.")
  Long serverPid;

  @Option(names = "--json", description = "Print the report as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    if (!ClientCrypto.preferBoringSsl()) {
      System.err.println("grpc-edge bench: Conscrypt is not available; the client's certificate checks may limit the figures");
    }
    int colon = target.lastIndexOf(':');
    if (colon < 1) {
      System.err.println("grpc-edge bench handshakes: --target must be HOST:PORT");
      return 2;
    }
    String host = target.substring(0, colon);
    int port = Integer.parseInt(target.substring(colon + 1));
    LoadShape shape = LoadShape.closed(concurrency);
    try (HandshakeLoad load = new HandshakeLoad(host, port, TlsContexts.client(ca.toFile()), resume, threads)) {
      LoadRun.Measured m = new LoadRun(load, shape, null).run(Durations.parse(warmup), Durations.parse(duration),
          serverPid == null ? null : new ServerCpu(serverPid));
      BenchReport report = m.report(label, target, resume ? "TLS handshake (resumed)" : "TLS handshake (full)", shape, 0);
      System.out.print(json ? report.json() + "\n" : report.text());
      return report.errorCount() == 0 && report.ok() > 0 ? 0 : 1;
    }
  }
}
