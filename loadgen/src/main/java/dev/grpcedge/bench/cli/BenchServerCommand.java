package dev.grpcedge.bench.cli;

import dev.grpcedge.bench.BareServer;
import dev.grpcedge.config.ListenAddress;
import dev.grpcedge.config.TlsConfig;
import dev.grpcedge.tls.ServerCertificate;
import dev.grpcedge.tls.TlsContexts;
import dev.grpcedge.tls.TlsException;
import io.netty.handler.ssl.SslProvider;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code grpc-edge bench-server} (hidden): the bare Greeter over TLS that {@code scripts/bench} compares against. */
@Command(name = "bench-server", hidden = true, mixinStandardHelpOptions = true,
    description = "Benchmark baseline: the Greeter over the same TLS, with no interceptors. Runs until SIGTERM.")
public final class BenchServerCommand implements Callable<Integer> {
  @Option(names = "--listen", defaultValue = "127.0.0.1:0", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--cert", required = true, description = "PEM certificate chain.")
  Path cert;

  @Option(names = "--key", required = true, description = "PEM PKCS#8 private key.")
  Path key;

  @Option(names = "--provider", defaultValue = "OPENSSL", description = "OPENSSL (BoringSSL) or JDK (default: ${DEFAULT-VALUE}).")
  TlsConfig.Provider provider;

  @Override
  public Integer call() throws InterruptedException {
    BareServer server;
    try {
      SslProvider ssl = TlsContexts.provider(new TlsConfig(cert, key, provider, false));
      var sslContext = TlsContexts.server(ServerCertificate.load(cert, key, Instant.now()), ssl);
      server = BareServer.start(ListenAddress.parse(listen).toSocketAddress(), sslContext);
    } catch (TlsException | UncheckedIOException | IllegalArgumentException e) {
      System.err.println("grpc-edge bench-server: cannot start: " + e.getMessage());
      return 2;
    }
    System.err.println("grpc-edge bench-server listening on port " + server.port() + " (" + provider + ")");
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    stop.await();
    server.close();
    return 0;
  }
}
