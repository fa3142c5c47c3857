package dev.grpcedge.config;

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
}
