package dev.grpcedge.bench.armeria;

import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.grpcedge.greeter.GreeterService;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway's Greeter on Armeria, over TLS with HTTP/2 and HTTP/1.1, speaking gRPC, gRPC-Web and gRPC-Web-text:
 * the peer that {@code scripts/bench} measures grpc-edge's web listener against. Like the gateway, calls run on
 * their connection's event loop, with no auth and no access log, as the gateway's public-Greeter side of the pair.
 */
@Command(name = "grpc-edge-armeria", mixinStandardHelpOptions = true,
    description = "The Greeter on Armeria's gRPC-Web support, over TLS. Runs until SIGTERM.")
public final class ArmeriaGreeterServer implements Callable<Integer>, AutoCloseable {
  @Option(names = "--listen", defaultValue = "127.0.0.1:0", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
  String listen = "127.0.0.1:0";

  @Option(names = "--cert", required = true, description = "PEM certificate chain.")
  Path cert;

  @Option(names = "--key", required = true, description = "PEM PKCS#8 private key.")
  Path key;

  private Server server;
  private ScheduledExecutorService scheduler;

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.exit(new CommandLine(new ArmeriaGreeterServer()).execute(args));
  }

  /** Starts the server on {@code listen} with the given certificate; returns the port it listens on. */
  public int start() {
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, got " + listen);
    }
    var address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "armeria-greeter-streams");
      t.setDaemon(true);
      return t;
    });
    server = Server.builder()
        .https(address)
        .tls(cert.toFile(), key.toFile())
        .service(GrpcService.builder()
            .addService(new GreeterService(scheduler))
            .supportedSerializationFormats(GrpcSerializationFormats.values())
            .useBlockingTaskExecutor(false)
            .build())
        .build();
    server.start().join();
    return server.activeLocalPort();
  }

  @Override
  public Integer call() throws InterruptedException {
    int port;
    try {
      port = start();
    } catch (RuntimeException e) {
      System.err.println("grpc-edge-armeria: cannot start: " + e.getMessage());
      close();
      return 2;
    }
    System.err.println("grpc-edge-armeria listening on port " + port);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    stop.await();
    return 0;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop().join();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** For tests: a server of the given certificate on an ephemeral loopback port. */
  static ArmeriaGreeterServer of(Path cert, Path key) {
    ArmeriaGreeterServer s = new ArmeriaGreeterServer();
    s.cert = cert;
    s.key = key;
    return s;
  }
}
