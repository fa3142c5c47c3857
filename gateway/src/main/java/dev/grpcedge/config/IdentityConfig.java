package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The identity token the gateway signs for upstreams: the verified caller, never the caller's own token.
 *
 * @param keys the folder of the gateway's signing keys (EC P-256, PKCS#8 PEM, {@code *.key}); every key in it is
 *     published in the JWKS, and the newest one older than {@code publishAhead} signs
 * @param issuer the {@code iss} of the tokens, which upstreams check
 * @param ttl how long one token is valid (at most 60 s); a caller's token that expires sooner shortens it
 * @param publishAhead how long a new key is only published before it signs, so that every replica and every
 *     upstream has seen it first
 */
public record IdentityConfig(Path keys, String issuer, Duration ttl, Duration publishAhead) {
  /** No identity token: routed calls carry none. */
  public static final IdentityConfig OFF = new IdentityConfig(null, "grpc-edge", Duration.ofSeconds(60),
      Duration.ofMinutes(1));

  public boolean enabled() {
    return keys != null;
  }

  /** Binds the {@code identity} section. */
  @JsonCreator
  static IdentityConfig bind(@JsonProperty("keys") Path keys, @JsonProperty("issuer") String issuer,
      @JsonProperty("ttl") Duration ttl, @JsonProperty("publish_ahead") Duration publishAhead) {
    if (keys == null) {
      throw new ConfigException("keys", "is required (the folder of the signing keys: scripts/gen-identity-key)");
    }
    String iss = issuer == null ? OFF.issuer() : issuer.trim();
    if (iss.isEmpty()) {
      throw new ConfigException("issuer", "is empty");
    }
    // Short-lived by design: a token that leaks from an upstream's logs is worth a minute at most.
    return new IdentityConfig(keys, iss,
        Checks.duration("ttl", ttl, OFF.ttl(), Duration.ofSeconds(5), Duration.ofSeconds(60)),
        Checks.duration("publish_ahead", publishAhead, OFF.publishAhead(), Duration.ZERO, Duration.ofDays(7)));
  }
}
