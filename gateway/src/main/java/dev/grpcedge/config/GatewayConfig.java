package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The whole gateway configuration, as read from {@code config/gateway.yaml}.
 *
 * @param listen where the TLS listener binds
 * @param tls server certificate, key and provider
 * @param auth issuers and method rules
 * @param limits transport limits
 * @param logLevel root log level (TRACE, DEBUG, INFO, WARN, ERROR)
 * @param shutdownGrace how long in-flight calls may run after SIGTERM before they are cancelled
 */
public record GatewayConfig(
    ListenAddress listen,
    TlsConfig tls,
    AuthConfig auth,
    LimitsConfig limits,
    String logLevel,
    Duration shutdownGrace) {
  public GatewayConfig {
    requireNonNull(listen, "listen");
    requireNonNull(tls, "tls");
    requireNonNull(auth, "auth");
    requireNonNull(limits, "limits");
    requireNonNull(logLevel, "log.level");
    requireNonNull(shutdownGrace, "shutdown.grace");
  }

  public GatewayConfig withListen(ListenAddress newListen) {
    return new GatewayConfig(newListen, tls, auth, limits, logLevel, shutdownGrace);
  }

  public GatewayConfig withLogLevel(String newLevel) {
    return new GatewayConfig(listen, tls, auth, limits, newLevel, shutdownGrace);
  }
}
