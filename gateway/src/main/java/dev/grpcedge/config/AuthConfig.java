package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

  /** Tolerance for {@code exp}, {@code nbf} and {@code iat} when {@code clock_skew} is left out. */
  public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;

  /** Binds the {@code auth} section (all null when it is left out). */
  @JsonCreator
  static AuthConfig bind(@JsonProperty("clock_skew") Duration clockSkew,
      @JsonProperty("max_token_size") @JsonDeserialize(using = ByteSize.class) Integer maxTokenSize,
      @JsonProperty("issuers") List<IssuerConfig> issuers, @JsonProperty("rules") List<MethodRule> rules,
      @JsonProperty("token_cache") TokenCacheConfig tokenCache) {
    Duration skew = Checks.duration("clock_skew", clockSkew, DEFAULT_SKEW, Duration.ZERO, Duration.ofMinutes(10));
    int maxToken = Checks.integer("max_token_size", maxTokenSize, DEFAULT_MAX_TOKEN_BYTES, 256, 64 * 1024);
    List<IssuerConfig> trusted = Checks.list(issuers);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < trusted.size(); i++) {
      if (!seen.add(trusted.get(i).issuer())) {
        throw new ConfigException("issuers[" + i + "].issuer", "duplicate issuer");
      }
    }
    List<MethodRule> methodRules = Checks.list(rules);
    boolean anyProtected = methodRules.isEmpty() || methodRules.stream().anyMatch(r -> !r.isPublic());
    if (trusted.isEmpty() && anyProtected) {
      throw new ConfigException("issuers", "at least one issuer is required unless every rule is public");
    }
    return new AuthConfig(trusted, methodRules, skew, maxToken,
        tokenCache == null ? TokenCacheConfig.DEFAULTS : tokenCache);
  }
}
