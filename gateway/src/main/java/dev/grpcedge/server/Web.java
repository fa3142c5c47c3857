package dev.grpcedge.server;

import dev.grpcedge.auth.AuthContext;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.tls.CertificateReloader;
import dev.grpcedge.web.BridgedCallers;
import dev.grpcedge.web.WebBridge;
import dev.grpcedge.defence.ConnectionGuard;
import dev.grpcedge.defence.DefenceLog;
import dev.grpcedge.web.WebListener;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.HandlerRegistry;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The web side of the gateway: the bridge's in-process server (the same service definitions, already behind the
 * gateway's one interceptor chain, with {@link BridgedCallers} outermost so the chain sees the browser), the
 * channel to it, and the web listener.
 */
record Web(Server inProcess, WebBridge bridge, WebListener listener) implements AutoCloseable {
  /** Starts it when {@code web.listen} is set; null otherwise. */
  static Web start(GatewayConfig config, CertificateReloader tls, List<ServerServiceDefinition> services,
      List<ServerInterceptor> chain, HandlerRegistry routes, List<ServerTransportFilter> transportFilters,
      ConnectionGuard connections, DefenceLog defenceLog, Map<String, Supplier<String>> documents)
      throws IOException {
    if (!config.web().enabled()) {
      return null;
    }
    String name = "grpc-edge-web-" + UUID.randomUUID();
    BridgedCallers callers = new BridgedCallers();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor()
        .addStreamTracerFactory(AuthContext.slots())
        .maxInboundMessageSize(config.limits().maxInboundMessageBytes());
    // The gateway's chain, with the bridge's callers outermost (added last), so that the chain sees the browser.
    chain.forEach(builder::intercept);
    builder.intercept(callers);
    services.forEach(builder::addService);
    builder.fallbackHandlerRegistry(routes);
    Server inProcess = builder.build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    WebBridge bridge = new WebBridge(channel, callers, transportFilters, config.web(),
        config.limits().maxInboundMessageBytes(), services, documents);
    try {
      return new Web(inProcess, bridge, WebListener.start(config.web().listen(), tls.webSslContext(), bridge,
          config.limits(), connections, defenceLog));
    } catch (IOException | RuntimeException e) {
      bridge.close();
      inProcess.shutdownNow();
      throw e;
    }
  }

  /** HOST:PORT as bound (the real port when the config says 0). */
  static String address(GatewayConfig config, Web web) {
    return new dev.grpcedge.config.ListenAddress(config.web().listen().host(), web.listener().port()).toString();
  }

  @Override
  public void close() {
    listener.close();
    bridge.close();
    inProcess.shutdownNow();
    try {
      inProcess.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
