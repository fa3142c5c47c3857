package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The cache of verified tokens ({@code auth.token_cache}).
 *
 * @param enabled false verifies every call's token in full
 * @param maxEntries most tokens remembered; the least used are dropped first
 */
public record TokenCacheConfig(boolean enabled, int maxEntries) {
  /** On, with room for 10000 tokens. */
  public static final TokenCacheConfig DEFAULTS = new TokenCacheConfig(true, 10_000);

  public TokenCacheConfig {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("auth.token_cache.max_entries must be at least 1");
    }
  }

  /** Binds {@code auth.token_cache}. */
  @JsonCreator
  static TokenCacheConfig bind(@JsonProperty("enabled") Boolean enabled, @JsonProperty("max_entries") Integer maxEntries) {
    return new TokenCacheConfig(Checks.bool(enabled, DEFAULTS.enabled()),
        Checks.integer("max_entries", maxEntries, DEFAULTS.maxEntries(), 1, 10_000_000));
  }
}
