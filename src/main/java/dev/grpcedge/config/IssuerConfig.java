package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One trusted token issuer: its {@code iss} value, where its signing keys come from, and the audiences it may
 * issue tokens for.
 *
 * @param issuer the exact {@code iss} claim value
 * @param jwksFile a local JWKS file with the issuer's public keys
 * @param audiences accepted {@code aud} values; a token must name at least one
 */
public record IssuerConfig(String issuer, Path jwksFile, Set<String> audiences) {
  public IssuerConfig {
    requireNonNull(issuer, "issuer");
    requireNonNull(jwksFile, "jwks_file");
    audiences = Collections.unmodifiableSet(new LinkedHashSet<>(audiences));
  }
}
