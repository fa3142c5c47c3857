package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How many TCP connections the gateway holds ({@code limits.connections}), across its gRPC and web listeners.
 * A connection over a limit is closed as soon as it is accepted, before TLS. 0 turns a limit off, which start-up
 * refuses unless {@code security.accept_risks} names it.
 *
 * @param perIp connections from one client IP address
 * @param total connections in all
 */
public record ConnectionLimits(int perIp, int total) {
  /** The defaults. */
  public static final ConnectionLimits DEFAULTS = bind(null, null);

  /** Binds {@code limits.connections}. */
  @JsonCreator
  static ConnectionLimits bind(@JsonProperty("per_ip") Integer perIp, @JsonProperty("total") Integer total) {
    return new ConnectionLimits(
        Checks.integer("per_ip", perIp, 100, 0, 1_000_000),
        Checks.integer("total", total, 10_000, 0, 10_000_000));
  }
}
