package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where per-caller buckets live when {@code limits.store: redis} ({@code limits.redis}), shared by every gateway
 * of a fleet.
 *
 * @param address {@code host:port}
 * @param passwordFile a file holding the password (Redis AUTH), or null for none; never written in the config
 * @param tls true to reach Redis over TLS
 * @param caFile the CA bundle that signs Redis's certificate, or null for the JVM's trust store
 * @param timeout how long one bucket operation may take before it counts as a store failure
 * @param keyPrefix prefix of every key the gateway writes
 */
public record RedisConfig(ListenAddress address, Path passwordFile, boolean tls, Path caFile, Duration timeout,
    String keyPrefix) {
  /** Binds {@code limits.redis}. */
  @JsonCreator
  static RedisConfig bind(@JsonProperty("address") ListenAddress address,
      @JsonProperty("password_file") Path passwordFile, @JsonProperty("tls") Boolean tls,
      @JsonProperty("ca") Path caFile, @JsonProperty("timeout") Duration timeout,
      @JsonProperty("key_prefix") String keyPrefix) {
    if (address == null) {
      throw new ConfigException("address", "is required (host:port of the Redis server)");
    }
    return new RedisConfig(address, passwordFile, Checks.bool(tls, false), caFile,
        Checks.duration("timeout", timeout, Duration.ofMillis(250), Duration.ofMillis(10), Duration.ofSeconds(10)),
        keyPrefix == null ? "grpc-edge:" : keyPrefix);
  }
}
