package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One trusted token issuer: its {@code iss} value, where its signing keys come from, and the audiences it may
 * issue tokens for. The keys come from exactly one place: a local JWKS file, a JWKS URL, or OIDC discovery from
 * the issuer URL.
 *
 * @param issuer the exact {@code iss} claim value
 * @param jwksFile a local JWKS file with the issuer's public keys, or null
 * @param jwksUrl a JWKS URL, or null
 * @param discovery true to find the JWKS URL in {@code <issuer>/.well-known/openid-configuration}
 * @param audiences accepted {@code aud} values; a token must name at least one
 * @param keys fetching and caching of remote keys (unused for a file)
 */
public record IssuerConfig(String issuer, Path jwksFile, URI jwksUrl, boolean discovery, Set<String> audiences,
    KeyCacheConfig keys) {
  public IssuerConfig {
    requireNonNull(issuer, "issuer");
    requireNonNull(keys, "keys");
    int sources = (jwksFile == null ? 0 : 1) + (jwksUrl == null ? 0 : 1) + (discovery ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException("issuer " + issuer + ": exactly one of jwks_file, jwks_url, discovery");
    }
    audiences = Collections.unmodifiableSet(new LinkedHashSet<>(audiences));
  }

  /** An issuer whose keys are in a local JWKS file. */
  public IssuerConfig(String issuer, Path jwksFile, Set<String> audiences) {
    this(issuer, requireNonNull(jwksFile, "jwks_file"), null, false, audiences, KeyCacheConfig.DEFAULTS);
  }

  /** True when the keys are fetched from the identity provider rather than read from a file. */
  public boolean remoteKeys() {
    return jwksFile == null;
  }
}
