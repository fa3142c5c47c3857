package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One item of {@code upstreams}: the backends a route's calls go to, and how. Its channel is built with grpc-java's
 * own service config (load balancing, health checks, retries), not a balancer of grpc-edge's.
 *
 * @param targets {@code host:port} backends, or one {@code dns:///name:port} target resolved again as it changes
 * @param plaintext true to reach the backends without TLS (loopback, or an accepted risk)
 * @param ca the CA bundle that signs the backends' certificates (TLS), or null for the JVM's trust store
 * @param authority the name the backends' certificates are checked against, and sent as SNI; null for the target's
 * @param clientCert the gateway's client certificate for mutual TLS, or null
 * @param clientKey its PKCS#8 key, or null
 * @param loadBalancing {@code round_robin} or {@code pick_first}
 * @param healthCheck true to watch each backend's {@code grpc.health.v1} status and send calls only to SERVING ones
 * @param retry the retry policy, or null for none
 * @param outlierDetection when to eject a backend whose calls fail, or null for never
 * @param defaultDeadline the deadline of a call whose caller set none
 * @param maxDeadline the longest deadline a caller may ask for
 * @param maxMessageBytes largest message in either direction
 */
public record UpstreamConfig(List<String> targets, boolean plaintext, Path ca, String authority, Path clientCert,
    Path clientKey, String loadBalancing, boolean healthCheck, Retry retry, OutlierDetection outlierDetection,
    Duration defaultDeadline,
    Duration maxDeadline, int maxMessageBytes) {
  public UpstreamConfig {
    targets = List.copyOf(targets);
  }

  /** Which status codes are retried, how many attempts in all, and the backoff between them. */
  public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Set<String> codes) {
    @JsonCreator
    static Retry bind(@JsonProperty("max_attempts") Integer maxAttempts,
        @JsonProperty("initial_backoff") Duration initialBackoff, @JsonProperty("max_backoff") Duration maxBackoff,
        @JsonProperty("codes") List<String> codes) {
      List<String> c = codes == null ? List.of("UNAVAILABLE") : codes;
      for (int i = 0; i < c.size(); i++) {
        try {
          io.grpc.Status.Code.valueOf(c.get(i).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
          throw new ConfigException("codes[" + i + "]", "not a gRPC status code: '" + c.get(i) + "'");
        }
      }
      return new Retry(Checks.integer("max_attempts", maxAttempts, 3, 2, 5),
          Checks.duration("initial_backoff", initialBackoff, Duration.ofMillis(50), Duration.ofMillis(1),
              Duration.ofMinutes(1)),
          Checks.duration("max_backoff", maxBackoff, Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(5)),
          Set.copyOf(c.stream().map(x -> x.trim().toUpperCase(Locale.ROOT)).toList()));
    }
  }

  /**
   * grpc-java's outlier detection (gRFC A50), by failure percentage: every {@code interval}, a backend with at least
   * {@code requestVolume} calls of which more than {@code failurePercentage}% failed (any status but OK) is ejected
   * for {@code baseEjectionTime} (longer each time again, up to {@code maxEjectionTime}), never more than
   * {@code maxEjectionPercent}% of the backends at once, and only while {@code minimumHosts} have enough calls.
   */
  public record OutlierDetection(Duration interval, Duration baseEjectionTime, Duration maxEjectionTime,
      int maxEjectionPercent, int failurePercentage, int requestVolume, int minimumHosts) {
    @JsonCreator
    static OutlierDetection bind(@JsonProperty("interval") Duration interval,
        @JsonProperty("base_ejection_time") Duration baseEjectionTime,
        @JsonProperty("max_ejection_time") Duration maxEjectionTime,
        @JsonProperty("max_ejection_percent") Integer maxEjectionPercent,
        @JsonProperty("failure_percentage") Integer failurePercentage,
        @JsonProperty("request_volume") Integer requestVolume, @JsonProperty("minimum_hosts") Integer minimumHosts) {
      Duration base = Checks.duration("base_ejection_time", baseEjectionTime, Duration.ofSeconds(30),
          Duration.ofMillis(10), Duration.ofHours(1));
      Duration max = Checks.duration("max_ejection_time", maxEjectionTime, Duration.ofMinutes(5),
          Duration.ofMillis(10), Duration.ofHours(24));
      if (max.compareTo(base) < 0) {
        throw new ConfigException("max_ejection_time", "is shorter than base_ejection_time ("
            + Durations.format(base) + ")");
      }
      return new OutlierDetection(
          Checks.duration("interval", interval, Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofHours(1)),
          base, max,
          Checks.integer("max_ejection_percent", maxEjectionPercent, 50, 1, 100),
          Checks.integer("failure_percentage", failurePercentage, 50, 1, 100),
          Checks.integer("request_volume", requestVolume, 20, 1, 1_000_000),
          Checks.integer("minimum_hosts", minimumHosts, 3, 1, 1000));
    }
  }

  /** Binds one item of {@code upstreams}. */
  @JsonCreator
  static UpstreamConfig bind(@JsonProperty("targets") List<String> targets,
      @JsonProperty("plaintext") Boolean plaintext, @JsonProperty("ca") Path ca,
      @JsonProperty("authority") String authority, @JsonProperty("client_cert") Path clientCert,
      @JsonProperty("client_key") Path clientKey, @JsonProperty("load_balancing") String loadBalancing,
      @JsonProperty("health_check") Boolean healthCheck, @JsonProperty("retry") Retry retry,
      @JsonProperty("outlier_detection") OutlierDetection outlierDetection,
      @JsonProperty("default_deadline") Duration defaultDeadline, @JsonProperty("max_deadline") Duration maxDeadline,
      @JsonProperty("max_message_size") @JsonDeserialize(using = ByteSize.class) Integer maxMessage) {
    if (targets == null || targets.isEmpty()) {
      throw new ConfigException("targets", "at least one target is required (host:port, or dns:///name:port)");
    }
    for (int i = 0; i < targets.size(); i++) {
      String t = targets.get(i) == null ? "" : targets.get(i).trim();
      if (t.startsWith("dns:///")) {
        if (targets.size() > 1) {
          throw new ConfigException("targets[" + i + "]", "a dns:/// target must be the only one");
        }
        ListenAddress.parse(t.substring("dns:///".length()));
      } else {
        try {
          ListenAddress.parse(t);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("targets[" + i + "]", "expected host:port or dns:///name:port, got '" + t + "'");
        }
      }
    }
    boolean plain = Checks.bool(plaintext, false);
    if (plain && (ca != null || clientCert != null || authority != null)) {
      throw new ConfigException("plaintext", "true, but ca, authority or client_cert are TLS settings");
    }
    if ((clientCert == null) != (clientKey == null)) {
      throw new ConfigException(clientCert == null ? "client_cert" : "client_key",
          "client_cert and client_key go together");
    }
    String lb = loadBalancing == null ? "round_robin" : loadBalancing.trim().toLowerCase(Locale.ROOT);
    if (!lb.equals("round_robin") && !lb.equals("pick_first")) {
      throw new ConfigException("load_balancing", "expected round_robin or pick_first, got '" + loadBalancing + "'");
    }
    Duration max = Checks.duration("max_deadline", maxDeadline, Duration.ofMinutes(5), Duration.ofMillis(1),
        Duration.ofDays(1));
    Duration def = Checks.duration("default_deadline", defaultDeadline, Duration.ofSeconds(30), Duration.ofMillis(1),
        Duration.ofDays(1));
    if (def.compareTo(max) > 0) {
      throw new ConfigException("default_deadline", "is longer than max_deadline (" + Durations.format(max) + ")");
    }
    return new UpstreamConfig(targets.stream().map(String::trim).toList(), plain, ca, authority, clientCert,
        clientKey, lb, Checks.bool(healthCheck, true), retry, outlierDetection, def, max,
        Checks.integer("max_message_size", maxMessage, 4 << 20, 1024, 64 << 20));
  }

  /** True when every target is a loopback address (plaintext to them is no risk). */
  public boolean loopbackOnly() {
    return targets.stream().allMatch(t -> {
      String host = (t.startsWith("dns:///") ? ListenAddress.parse(t.substring(7)) : ListenAddress.parse(t)).host();
      return KeyUrls.isLoopback(host);
    });
  }
}
