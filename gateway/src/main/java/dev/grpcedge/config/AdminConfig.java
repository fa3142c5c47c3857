package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The admin listeners, plaintext, for operators and orchestrators: {@code /metrics} in Prometheus's text format, and
 * optionally {@code grpc.health.v1} alone for probes that cannot speak TLS (Kubernetes' built-in gRPC probes).
 * Loopback unless the config says otherwise, since metrics name the gateway's methods, issuers and upstreams.
 *
 * @param listen where {@code /metrics} binds, or null for no admin listener
 * @param healthListen where the plaintext health service binds, or null for none
 */
public record AdminConfig(ListenAddress listen, ListenAddress healthListen) {
  /** No admin listener. */
  public static final AdminConfig OFF = new AdminConfig(null, null);

  public boolean enabled() {
    return listen != null;
  }

  /** Binds the {@code admin} section. */
  @JsonCreator
  static AdminConfig bind(@JsonProperty("listen") ListenAddress listen,
      @JsonProperty("health_listen") ListenAddress healthListen) {
    return new AdminConfig(listen == null ? new ListenAddress("127.0.0.1", 9464) : listen, healthListen);
  }
}
