package dev.grpcedge.route;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.ListenAddress;
import dev.grpcedge.config.UpstreamConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One upstream: a grpc-java channel to its backends, with grpc-java's own service config for load balancing,
 * per-backend health ({@code grpc.health.v1} Watch), retries and message sizes, and the deadline policy the
 * forwarder applies.
 */
public final class Upstream implements AutoCloseable {
  private final String name;
  private final UpstreamConfig config;
  private final ManagedChannel channel;

  private Upstream(String name, UpstreamConfig config, ManagedChannel channel) {
    this.name = name;
    this.config = config;
    this.channel = channel;
  }

  /** Builds the channel of {@code upstreams.NAME}; a CA or client certificate that cannot be read stops start-up. */
  @SuppressWarnings("deprecation") // nameResolverFactory: the one way to give a channel its own resolver
  public static Upstream open(String name, UpstreamConfig config) {
    return open(name, config, b -> {});
  }

  /** @param instrument adds to the channel's builder (the metrics' client side) */
  public static Upstream open(String name, UpstreamConfig config,
      java.util.function.Consumer<io.grpc.ManagedChannelBuilder<?>> instrument) {
    NettyChannelBuilder builder;
    String target = config.targets().get(0);
    if (target.startsWith("dns:///")) {
      builder = NettyChannelBuilder.forTarget(target);
    } else {
      List<InetSocketAddress> backends = new ArrayList<>();
      for (String t : config.targets()) {
        ListenAddress a = ListenAddress.parse(t);
        backends.add(InetSocketAddress.createUnresolved(a.host(), a.port()));
      }
      builder = NettyChannelBuilder.forTarget(StaticTargets.SCHEME + "://" + name + "/")
          .nameResolverFactory(new StaticTargets(backends));
    }
    if (config.plaintext()) {
      builder.usePlaintext();
    } else {
      builder.sslContext(tls(name, config));
      if (config.authority() != null) {
        builder.overrideAuthority(config.authority());
      }
    }
    if (config.retry() != null) {
      builder.enableRetry();
    } else {
      // Without a policy, retries would only buffer every message in case of one.
      builder.disableRetry();
    }
    builder.defaultServiceConfig(serviceConfig(config))
        // The forwarder's callbacks only hand a message or a status to the caller's call, which never blocks: on
        // the channel's event loop, without a hop to another thread per message.
        .directExecutor()
        .maxInboundMessageSize(config.maxMessageBytes())
        .keepAliveTime(30, TimeUnit.SECONDS)
        .userAgent("grpc-edge");
    instrument.accept(builder);
    return new Upstream(name, config, builder.build());
  }

  private static io.netty.handler.ssl.SslContext tls(String name, UpstreamConfig config) {
    try {
      SslContextBuilder tls = GrpcSslContexts.forClient();
      if (config.ca() != null) {
        tls.trustManager(readable(name, "ca", config.ca()).toFile());
      }
      if (config.clientCert() != null) {
        tls.keyManager(readable(name, "client_cert", config.clientCert()).toFile(),
            readable(name, "client_key", config.clientKey()).toFile());
      }
      return tls.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("upstreams." + name, "cannot set up TLS: " + e.getMessage());
    }
  }

  private static Path readable(String name, String key, Path file) {
    if (!Files.isReadable(file)) {
      throw new ConfigException("upstreams." + name + "." + key, "cannot read " + file);
    }
    return file;
  }

  /**
   * grpc-java's service config: the balancer (inside outlier detection), health checks, and for every method retries
   * and message sizes.
   */
  static Map<String, Object> serviceConfig(UpstreamConfig config) {
    Map<String, Object> sc = new LinkedHashMap<>();
    Map<String, Object> balancer = Map.of(config.loadBalancing(), Map.of());
    UpstreamConfig.OutlierDetection od = config.outlierDetection();
    if (od != null) {
      // grpc-java's outlier detection wraps the balancer: it ejects backends whose calls fail.
      Map<String, Object> detection = new LinkedHashMap<>();
      detection.put("interval", seconds(od.interval()));
      detection.put("baseEjectionTime", seconds(od.baseEjectionTime()));
      detection.put("maxEjectionTime", seconds(od.maxEjectionTime()));
      detection.put("maxEjectionPercent", (double) od.maxEjectionPercent());
      detection.put("failurePercentageEjection", Map.of("threshold", (double) od.failurePercentage(),
          "enforcementPercentage", 100.0, "minimumHosts", (double) od.minimumHosts(),
          "requestVolume", (double) od.requestVolume()));
      detection.put("childPolicy", List.of(balancer));
      balancer = Map.of("outlier_detection_experimental", detection);
    }
    sc.put("loadBalancingConfig", List.of(balancer));
    if (config.healthCheck()) {
      // Each backend's overall status (service ""): NOT_SERVING backends get no new calls.
      sc.put("healthCheckConfig", Map.of("serviceName", ""));
    }
    Map<String, Object> method = new LinkedHashMap<>();
    method.put("name", List.of(Map.of()));
    method.put("maxRequestMessageBytes", (double) config.maxMessageBytes());
    method.put("maxResponseMessageBytes", (double) config.maxMessageBytes());
    if (config.retry() != null) {
      method.put("retryPolicy", Map.of(
          "maxAttempts", (double) config.retry().maxAttempts(),
          "initialBackoff", seconds(config.retry().initialBackoff()),
          "maxBackoff", seconds(config.retry().maxBackoff()),
          "backoffMultiplier", 2.0,
          "retryableStatusCodes", retryable(config.retry().codes())));
    }
    sc.put("methodConfig", List.of(method));
    return sc;
  }

  /**
   * The codes grpc-java retries. A backend that stops resets its calls in flight with CANCEL, which grpc-java reports
   * as CANCELLED; the gateway tells the caller UNAVAILABLE ("went away"), and retries it as UNAVAILABLE too. A
   * caller's own cancel is never retried: grpc-java does not retry a call its client cancelled.
   */
  static List<String> retryable(java.util.Set<String> codes) {
    java.util.Set<String> out = new java.util.TreeSet<>(codes);
    if (codes.contains("UNAVAILABLE")) {
      out.add("CANCELLED");
    }
    return List.copyOf(out);
  }

  private static String seconds(Duration d) {
    return (d.toNanos() / 1e9) + "s";
  }

  public String name() {
    return name;
  }

  UpstreamConfig config() {
    return config;
  }

  /** The channel's state now (READY: some backend takes calls), without waking an idle channel. */
  public io.grpc.ConnectivityState state() {
    return channel.getState(false);
  }

  /**
   * Calls {@code listener} with the channel's state now and at every change until it shuts down. It wakes the
   * channel, so its backends are connected (and health-checked) before the first call.
   */
  public void watch(java.util.function.Consumer<io.grpc.ConnectivityState> listener) {
    // In the root context: waking the channel starts the backends' health Watches in the current context.
    io.grpc.Context.ROOT.run(() -> {
      io.grpc.ConnectivityState now = channel.getState(true);
      listener.accept(now);
      if (now != io.grpc.ConnectivityState.SHUTDOWN) {
        channel.notifyWhenStateChanged(now, () -> watch(listener));
      }
    });
  }

  ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
