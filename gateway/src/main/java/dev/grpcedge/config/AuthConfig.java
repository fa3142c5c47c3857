package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Bearer-token authentication and per-method authorization.
 *
 * @param issuers trusted issuers, each with its own keys and audiences
 * @param rules method rules; a method that matches none requires a valid token and no scope
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenBytes longest token accepted; longer ones are refused before parsing
 * @param tokenCache the cache of verified tokens
 */
public record AuthConfig(List<IssuerConfig> issuers, List<MethodRule> rules, Duration clockSkew, int maxTokenBytes,
    TokenCacheConfig tokenCache) {
  public AuthConfig {
    issuers = List.copyOf(issuers);
    rules = List.copyOf(rules);
    requireNonNull(tokenCache, "token_cache");
  }

  /** With the default token cache (on). */
  public AuthConfig(List<IssuerConfig> issuers, List<MethodRule> rules, Duration clockSkew, int maxTokenBytes) {
    this(issuers, rules, clockSkew, maxTokenBytes, TokenCacheConfig.DEFAULTS);
  }
}
