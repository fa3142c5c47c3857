package dev.grpcedge.bench;

import dev.grpcedge.greeter.GreeterService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's baseline: the same Greeter over the same TLS context and the same executor settings as the
 * gateway (calls run on their connection's event loop, {@code directExecutor()}), with no interceptors, no auth
 * and no access log. What the gateway costs is measured against this.
 */
public final class BareServer implements AutoCloseable {
  private final Server server;
  private final ScheduledExecutorService scheduler;

  private BareServer(Server server, ScheduledExecutorService scheduler) {
    this.server = server;
    this.scheduler = scheduler;
  }

  public static BareServer start(InetSocketAddress address, SslContext sslContext) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "bench-server-streams");
      t.setDaemon(true);
      return t;
    });
    Server server = NettyServerBuilder.forAddress(address)
        .sslContext(sslContext)
        .directExecutor()
        .addService(new GreeterService(scheduler))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      scheduler.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    return new BareServer(server, scheduler);
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    server.shutdownNow();
    scheduler.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
