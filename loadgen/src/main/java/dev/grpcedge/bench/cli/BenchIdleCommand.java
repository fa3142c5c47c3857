package dev.grpcedge.bench.cli;

import dev.grpcedge.bench.IdleConnections;
import dev.grpcedge.bench.ClientCrypto;
import dev.grpcedge.config.Durations;
import dev.grpcedge.tls.TlsContexts;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpc-edge bench idle}: opens many idle TLS + HTTP/2 connections and holds them, printing {@code HELD n}
 * once they are all open, so a script can measure the server's memory while they are held.
 */
@Command(name = "idle", mixinStandardHelpOptions = true,
    description = "Open COUNT idle TLS+HTTP/2 connections, print 'HELD n failed m', hold them, then close them.")
public final class BenchIdleCommand implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "localhost:8443", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--ca", required = true, description = "PEM CA bundle to trust.")
  Path ca;

  @Option(names = "--count", defaultValue = "10000", description = "Connections to open (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--hold", defaultValue = "30s", description = "How long to hold them once open (default: ${DEFAULT-VALUE}).")
  String hold;

  @Override
  public Integer call() throws InterruptedException {
    if (!ClientCrypto.preferBoringSsl()) {
      System.err.println("grpc-edge bench: Conscrypt is not available; the client's certificate checks may limit the figures");
    }
    int colon = target.lastIndexOf(':');
    String host = target.substring(0, colon);
    int port = Integer.parseInt(target.substring(colon + 1));
    try (IdleConnections idle = new IdleConnections()) {
      idle.open(host, port, TlsContexts.client(ca.toFile()), count);
      System.out.println("HELD " + idle.held() + " failed " + idle.failed());
      System.out.flush();
      Thread.sleep(Durations.parse(hold).toMillis());
      System.out.println("END held " + idle.held() + " closed_by_server " + idle.closedByPeer());
      return idle.failed() == 0 && idle.closedByPeer() == 0 ? 0 : 1;
    }
  }
}
