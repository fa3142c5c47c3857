package dev.grpcedge.server;

import dev.grpcedge.auth.IssuerKeys;
import dev.grpcedge.auth.JwtVerifier;
import dev.grpcedge.auth.RemoteKeySource;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.defence.ConnectionGuard;
import dev.grpcedge.defence.DefenceLog;
import dev.grpcedge.observe.GatewayMetrics;
import dev.grpcedge.route.Upstream;
import dev.grpcedge.tls.CertificateReloader;
import io.grpc.ConnectivityState;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.Map;

/**
 * The operator's side of the gateway: the gauges and counters read from its parts when Prometheus scrapes, and the
 * admin listener ({@code /metrics}, plaintext, loopback unless configured otherwise).
 */
record Admin(GatewayMetrics metrics, HTTPServer listener, Server health) implements AutoCloseable {
  /** The defences that name themselves in their lines, reported from 0. */
  private static final java.util.List<String> DEFENCES = java.util.List.of("limits.http2.max_resets",
      "limits.http2.max_empty_data_frames", "limits.http2.max_continuation_frames", "limits.http2.max_settings_frames",
      "limits.http2.min_ping_interval", "limits.connections.per_ip", "limits.connections.total", "protocol_errors");

  /** Registers what the gateway's parts count, then binds {@code admin.listen}. */
  static Admin start(GatewayConfig config, GatewayMetrics metrics, HealthStatusManager health,
      ConnectionGuard connections, DefenceLog defences, CertificateReloader tls, Map<String, Upstream> upstreams,
      IssuerKeys keys, JwtVerifier verifier) throws IOException {
    // The issuers' remote key sets (jwks_url or discovery); a jwks_file issuer has no fetches to count.
    Map<String, RemoteKeySource> remote = new java.util.TreeMap<>();
    keys.byIssuer().forEach((issuer, source) -> {
      if (source instanceof RemoteKeySource r) {
        remote.put(issuer, r);
      }
    });
    metrics.counter("grpc_edge.keys.fetches", "Key-set fetches from each issuer's identity provider, by result", m ->
        remote.forEach((issuer, r) -> {
          m.record(r.fetches(), metrics.labels("issuer", issuer, "result", "ok"));
          m.record(r.failedFetches(), metrics.labels("issuer", issuer, "result", "failed"));
        }));
    metrics.gauge("grpc_edge.keys.age", "How long ago each issuer's key set in use was fetched", "s", m ->
        remote.forEach((issuer, r) -> {
          if (r.lastGoodMillis() > 0) {
            m.record((System.currentTimeMillis() - r.lastGoodMillis()) / 1000, metrics.label("issuer", issuer));
          }
        }));
    metrics.counter("grpc_edge.token_cache.hits", "Calls whose token was found already verified in the token cache",
        m -> m.record(verifier.tokenCacheHits()));
    metrics.gauge("grpc_edge.token_cache.size", "Verified tokens in the token cache", "{token}",
        m -> m.record(verifier.tokenCacheSize()));
    metrics.gauge("grpc_edge.connections.open", "Connections held now, on the gRPC and web listeners", "{connection}",
        m -> m.record(connections.open()));
    metrics.gauge("grpc_edge.tls.certificate.expiry", "When the serving certificate expires (Unix time)", "s",
        m -> m.record(tls.status().notAfter().getEpochSecond()));
    metrics.counter("grpc_edge.tls.reloads", "Certificate reloads: ok, or refused (the old pair kept serving)", m -> {
      m.record(tls.reloads(), metrics.label("result", "ok"));
      m.record(tls.refusedReloads(), metrics.label("result", "refused"));
    });
    metrics.counter("grpc_edge.http2.defences", "Connections cut or refused by a defence, by its config key", m -> {
      Map<String, Long> counts = new java.util.TreeMap<>();
      DEFENCES.forEach(key -> counts.put(key, 0L));
      counts.putAll(defences.triggered());
      counts.forEach((key, n) -> m.record(n, metrics.label("defence", key)));
    });
    metrics.gauge("grpc_edge.upstream.ready", "1 when some backend of the upstream takes calls (its channel is READY)",
        "", m -> upstreams.forEach((name, u) -> m.record(u.state() == ConnectivityState.READY ? 1 : 0,
            metrics.label("upstream", name))));
    var listen = config.admin().listen();
    HTTPServer listener = metrics.serve(listen.host(), listen.port());
    Server healthServer = null;
    if (config.admin().healthListen() != null) {
      // The same statuses as the TLS listener's health service: draining turns them NOT_SERVING here too.
      try {
        healthServer = NettyServerBuilder.forAddress(config.admin().healthListen().toSocketAddress())
            .addService(health.getHealthService()).build().start();
      } catch (IOException e) {
        listener.close();
        throw e;
      }
    }
    return new Admin(metrics, listener, healthServer);
  }

  /** The plaintext health port, or -1 without one. */
  int healthPort() {
    return health == null ? -1 : ((InetSocketAddress) health.getListenSockets().get(0)).getPort();
  }

  /** The port actually bound. */
  int port() {
    return listener.getPort();
  }

  /** Unbinds the listener; the metrics close with the gateway. */
  @Override
  public void close() {
    listener.close();
    if (health != null) {
      health.shutdownNow();
    }
  }
}
