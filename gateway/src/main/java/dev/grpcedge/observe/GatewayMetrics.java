package dev.grpcedge.observe;

import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The gateway's metrics in one OpenTelemetry SDK: gRPC's own (gRFC A66's {@code grpc.server.call.*} and, for
 * upstream channels, {@code grpc.client.attempt.*}, recorded by grpc-opentelemetry) and grpc-edge's
 * ({@code grpc_edge.*}), served to Prometheus at {@code /metrics} on the admin listener.
 *
 * <p>Label values come from fixed sets or from the config (issuers, upstreams), never from what a caller sends:
 * gRPC records methods no service or route registered as {@code other}, and an authentication failure is named by
 * the gateway's own reason.
 */
public final class GatewayMetrics implements CallOutcomes, AutoCloseable {
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("protocol");
  private static final AttributeKey<String> LIMIT = AttributeKey.stringKey("limit");

  /** The gateway's descriptions of authentication failures, as metric reasons. */
  private static final Map<String, String> AUTH_REASONS = Map.ofEntries(
      Map.entry("missing bearer token", "missing_token"),
      Map.entry("malformed authorization header", "malformed"),
      Map.entry("unsupported authorization scheme", "malformed"),
      Map.entry("malformed token", "malformed"),
      Map.entry("unsupported token header", "malformed"),
      Map.entry("token too large", "too_large"),
      Map.entry("token expired", "expired"),
      Map.entry("token not yet valid", "not_yet_valid"),
      Map.entry("invalid signature", "bad_signature"),
      Map.entry("unknown signing key", "unknown_key"),
      Map.entry("untrusted issuer", "untrusted_issuer"),
      Map.entry("invalid audience", "wrong_audience"),
      Map.entry("unsupported token algorithm", "bad_algorithm"),
      Map.entry("missing required claim", "missing_claim"),
      Map.entry("client certificate required", "client_cert_required"));

  private final SdkMeterProvider provider;
  private final GrpcOpenTelemetry grpc;
  private final PrometheusRegistry registry;
  private final Meter meter;
  private final LongCounter authOutcomes;
  private final LongCounter webCalls;
  private final LongCounter limitRefusals;
  private final Map<String, Attributes> attributes = new ConcurrentHashMap<>();

  private GatewayMetrics(SdkMeterProvider provider, PrometheusRegistry registry) {
    this.provider = provider;
    this.registry = registry;
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(provider).build();
    this.grpc = GrpcOpenTelemetry.newBuilder().sdk(sdk).build();
    this.meter = provider.get("grpc-edge");
    this.authOutcomes = meter.counterBuilder("grpc_edge.auth.outcomes")
        .setDescription("Calls by authentication outcome: ok, public (no token needed), or why the token was refused")
        .build();
    this.webCalls = meter.counterBuilder("grpc_edge.web.calls")
        .setDescription("Calls that came through the web bridge, by protocol").build();
    this.limitRefusals = meter.counterBuilder("grpc_edge.limits.refused")
        .setDescription("Calls refused by a per-caller limit, or because the limits store could not be reached").build();
    // Every series of a fixed set starts at 0, so dashboards and alerts see a rate, not "no data", until it moves.
    for (String outcome : new java.util.TreeSet<>(AUTH_REASONS.values())) {
      authOutcomes.add(0, attributes(OUTCOME, outcome));
    }
    for (String outcome : List.of("ok", "public", "missing_scope")) {
      authOutcomes.add(0, attributes(OUTCOME, outcome));
    }
    for (String protocol : List.of("grpc-web", "connect", "connect+json")) {
      webCalls.add(0, attributes(PROTOCOL, protocol));
    }
    for (String limit : List.of("calls_per_second", "concurrent_calls", "messages_per_second", "store_unavailable")) {
      limitRefusals.add(0, attributes(LIMIT, limit));
    }
  }

  /** Metrics read by Prometheus from {@link #serve}. */
  public static GatewayMetrics create() {
    PrometheusMetricReader reader = PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(reader);
    return new GatewayMetrics(SdkMeterProvider.builder().registerMetricReader(reader).build(), registry);
  }

  /** Binds the admin listener: {@code /metrics} (text format) and {@code /-/healthy}. */
  public HTTPServer serve(String host, int port) throws IOException {
    return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
  }

  /** gRPC's server metrics for every call of {@code builder}'s server. */
  public void instrument(ServerBuilder<?> builder) {
    grpc.configureServerBuilder(builder);
  }

  /** gRPC's client metrics (attempts, retries, latency) for an upstream channel. */
  public void instrument(ManagedChannelBuilder<?> builder) {
    grpc.configureChannelBuilder(builder);
  }

  /** A gauge read when Prometheus scrapes. */
  public void gauge(String name, String description, String unit, Consumer<ObservableLongMeasurement> read) {
    meter.gaugeBuilder(name).setDescription(description).setUnit(unit).ofLongs().buildWithCallback(read::accept);
  }

  /** A counter whose totals are kept elsewhere and read when Prometheus scrapes. */
  public void counter(String name, String description, Consumer<ObservableLongMeasurement> read) {
    meter.counterBuilder(name).setDescription(description).buildWithCallback(read::accept);
  }

  /** Two labels, from fixed sets or the config. */
  public Attributes labels(String key1, String value1, String key2, String value2) {
    return attributes.computeIfAbsent(key1 + '=' + value1 + ',' + key2 + '=' + value2,
        k -> Attributes.of(AttributeKey.stringKey(key1), value1, AttributeKey.stringKey(key2), value2));
  }

  /** One label, from a fixed set or the config, as attributes (made once per value). */
  public Attributes label(String key, String value) {
    return attributes(AttributeKey.stringKey(key), value);
  }

  @Override
  public void ended(Status status, boolean authenticated, String via) {
    authOutcomes.add(1, attributes(OUTCOME, authOutcome(status, authenticated)));
    if (via != null) {
      int space = via.indexOf(' ');
      webCalls.add(1, attributes(PROTOCOL, space < 0 ? via : via.substring(0, space)));
    }
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && status.getDescription() != null
        && status.getDescription().contains("this caller")) {
      limitRefusals.add(1, attributes(LIMIT, limitOf(status.getDescription())));
    } else if (status.getCode() == Status.Code.UNAVAILABLE
        && "rate limits cannot be checked right now; retry later".equals(status.getDescription())) {
      limitRefusals.add(1, attributes(LIMIT, "store_unavailable"));
    }
  }

  /** Why a call was or was not authenticated, from a fixed set. */
  static String authOutcome(Status status, boolean authenticated) {
    if (status.getCode() == Status.Code.PERMISSION_DENIED) {
      String d = status.getDescription();
      return d != null && d.startsWith("missing scope") ? "missing_scope"
          : AUTH_REASONS.getOrDefault(d, "denied_other");
    }
    if (status.getCode() == Status.Code.UNAUTHENTICATED && !authenticated) {
      return AUTH_REASONS.getOrDefault(status.getDescription(), "refused_other");
    }
    return authenticated ? "ok" : "public";
  }

  private static String limitOf(String description) {
    if (description.contains("in flight")) {
      return "concurrent_calls";
    }
    return description.contains("messages") ? "messages_per_second" : "calls_per_second";
  }

  private Attributes attributes(AttributeKey<String> key, String value) {
    return attributes.computeIfAbsent(key.getKey() + '=' + value, k -> Attributes.of(key, value));
  }

  @Override
  public void close() {
    provider.close();
  }
}
