package dev.grpcedge.cli;

import dev.grpcedge.config.ListenAddress;
import dev.grpcedge.config.TlsConfig;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.tls.ServerCertificate;
import dev.grpcedge.tls.TlsContexts;
import dev.grpcedge.tls.TlsException;
import dev.grpcedge.client.upstream.EdgeIdentityInterceptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code grpc-edge greeter}: the built-in Greeter as a standalone upstream, with {@code grpc.health.v1}, for
 * demos and tests of routing. TLS with {@code --cert}/{@code --key}, or plaintext with {@code --plaintext}.
 */
@Command(name = "greeter", mixinStandardHelpOptions = true,
    description = {"Serve the Greeter alone, as an upstream for the gateway's routes, until SIGTERM.",
        "No auth: the gateway in front of it checks tokens. Health: grpc.health.v1 (SERVING; NOT_SERVING on"
            + " SIGUSR2, for failover demos)."})
public final class GreeterCommand implements Callable<Integer> {
  @Option(names = "--listen", defaultValue = "127.0.0.1:50051", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--cert", description = "PEM certificate chain (TLS).")
  Path cert;

  @Option(names = "--key", description = "PEM PKCS#8 private key (TLS).")
  Path key;

  @Option(names = "--plaintext", description = "Serve without TLS (loopback demos).")
  boolean plaintext;

  @Option(names = "--edge-jwks", paramLabel = "URL", description = {"Accept only calls that carry the gateway's"
      + " identity token, verified with the keys at URL (https://<web.listen>/.well-known/jwks.json)."})
  URI edgeJwks;

  @Option(names = "--edge-ca", paramLabel = "FILE", description = "PEM CA of the gateway's certificate, for --edge-jwks.")
  Path edgeCa;

  @Option(names = "--edge-issuer", defaultValue = "grpc-edge",
      description = "The gateway's identity.issuer (default: ${DEFAULT-VALUE}).")
  String edgeIssuer;

  @Option(names = "--audience", defaultValue = "greeters",
      description = "This upstream's name in the gateway's upstreams (default: ${DEFAULT-VALUE}).")
  String audience;

  @Override
  public Integer call() throws InterruptedException {
    if (plaintext == (cert != null) || (cert == null) != (key == null)) {
      System.err.println("grpc-edge greeter: give --cert and --key, or --plaintext");
      return 2;
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    HealthStatusManager health = new HealthStatusManager();
    Server server;
    try {
      NettyServerBuilder builder = NettyServerBuilder.forAddress(ListenAddress.parse(listen).toSocketAddress())
          .directExecutor()
          .addService(edgeJwks == null ? new GreeterService(scheduler).bindService()
              : ServerInterceptors.intercept(new GreeterService(scheduler), EdgeIdentityInterceptor.newBuilder()
                  .issuer(edgeIssuer).audience(audience).jwksUrl(edgeJwks, edgeCa).build()))
          .addService(health.getHealthService());
      if (!plaintext) {
        var tls = new TlsConfig(cert, key, TlsConfig.Provider.OPENSSL, true);
        builder.sslContext(TlsContexts.server(ServerCertificate.load(cert, key, Instant.now()),
            TlsContexts.provider(tls)));
      }
      server = builder.build().start();
    } catch (IOException | TlsException | IllegalArgumentException e) {
      scheduler.shutdownNow();
      System.err.println("grpc-edge greeter: cannot start: " + e.getMessage());
      return 1;
    }
    health.setStatus("", ServingStatus.SERVING);
    System.err.println("grpc-edge greeter listening on " + server.getListenSockets().get(0)
        + (plaintext ? " (plaintext)" : " (TLS)") + (edgeJwks == null ? ""
            : "; Greeter calls need grpc-edge's identity token for audience " + audience));
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    Signal.handle(new Signal("USR2"), s -> health.setStatus("", ServingStatus.NOT_SERVING));
    stop.await();
    health.enterTerminalState();
    server.shutdown();
    server.awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow();
    scheduler.shutdownNow();
    return 0;
  }
}
