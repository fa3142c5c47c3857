package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
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

  /** Binds one item of {@code auth.issuers}. */
  @JsonCreator
  static IssuerConfig bind(@JsonProperty("issuer") String issuer, @JsonProperty("jwks_file") Path jwksFile,
      @JsonProperty("jwks_url") String jwksUrl, @JsonProperty("discovery") Boolean discovery,
      @JsonProperty("audiences") List<String> audiences, @JsonProperty("keys") KeyCacheConfig keys) {
    Checks.required("issuer", issuer, null);
    URI url = url("jwks_url", jwksUrl);
    boolean discover = Checks.bool(discovery, false);
    int sources = (jwksFile == null ? 0 : 1) + (url == null ? 0 : 1) + (discover ? 1 : 0);
    if (sources != 1) {
      throw new ConfigException("jwks_file", "give exactly one of jwks_file (a local JWKS file), jwks_url, or"
          + " discovery: true (OIDC discovery from the issuer URL)");
    }
    if (discover) {
      url("issuer", issuer);
    }
    if (audiences == null || audiences.isEmpty()) {
      throw new ConfigException("audiences", "at least one audience is required");
    }
    if (jwksFile != null && keys != null) {
      throw new ConfigException("keys", "applies only to jwks_url or discovery, not to jwks_file");
    }
    return new IssuerConfig(issuer, jwksFile, url, discover, new LinkedHashSet<>(audiences),
        keys == null ? KeyCacheConfig.DEFAULTS : keys);
  }

  /**
   * An identity-provider URL, or null when {@code text} is null. Plain http beyond loopback is refused later, by the
   * secure-by-default check, unless its risk is accepted.
   */
  private static URI url(String key, String text) {
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      KeyUrls.checkShape(uri);
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "not a URL: '" + text + "'");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }
}
