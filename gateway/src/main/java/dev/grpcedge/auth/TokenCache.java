package dev.grpcedge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.grpcedge.config.TokenCacheConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens that passed full verification, so a busy caller's token is checked once, not on every call. Keyed by the
 * token's SHA-256 digest: a heap dump must not yield usable tokens. It never changes a verdict: only successes
 * are kept, {@code exp} is checked again on every hit, and an issuer's entries go when its key set changes.
 */
final class TokenCache {
  private final Cache<String, Principal> cache;
  private final long skewMillis;
  private final Clock clock;
  // Bumped on every key-set change; a verification that raced with one is not cached.
  private final AtomicLong generation = new AtomicLong();
  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();

  private TokenCache(Cache<String, Principal> cache, Duration skew, Clock clock) {
    this.cache = cache;
    this.skewMillis = skew.toMillis();
    this.clock = clock;
  }

  /** A cache as {@code config} says, or null when it is disabled. */
  static TokenCache create(TokenCacheConfig config, Duration skew, Clock clock) {
    if (!config.enabled()) {
      return null;
    }
    Cache<String, Principal> cache = Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        // Dead entries leave on their own; the check in get() is what keeps verdicts exact.
        .expireAfter(Expiry.<String, Principal>creating((key, principal) -> lifetime(principal, skew, clock)))
        .executor(Runnable::run)
        .build();
    return new TokenCache(cache, skew, clock);
  }

  /** The digest the cache is keyed by: base64url of SHA-256 of the token's bytes. */
  static String keyOf(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** The cached principal, or null when absent or expired (an expired entry is dropped). */
  Principal get(String key) {
    Principal principal = cache.getIfPresent(key);
    if (principal != null && !unexpired(principal)) {
      cache.invalidate(key);
      return null;
    }
    if (principal != null) {
      hits.increment();
    }
    return principal;
  }

  long hits() {
    return hits.sum();
  }

  long size() {
    return cache.estimatedSize();
  }

  /**
   * Whether a principal verified in cache generation {@code generation} may still be trusted: no key set changed
   * since, and its token has not expired.
   */
  boolean stillValid(Principal principal, long generation) {
    return this.generation.get() == generation && unexpired(principal);
  }

  // In milliseconds rather than Instants: asked on every call, and exp (whole seconds) plus skew is exact in them.
  private boolean unexpired(Principal principal) {
    return clock.millis() < principal.expiresAt().toEpochMilli() + skewMillis;
  }

  /** The value to hand to {@link #put} for a verification that starts now. */
  long generation() {
    return generation.get();
  }

  /** Remembers a successful verification, unless a key set changed since it started. */
  void put(String key, Principal principal, long startedAt) {
    if (generation.get() != startedAt) {
      return;
    }
    cache.put(key, principal);
    if (generation.get() != startedAt) {
      // The issuer's entries were dropped while this one went in: drop it too.
      cache.invalidate(key);
    }
  }

  /** Drops every entry of {@code issuer}: its keys changed, so its tokens must be verified again. */
  void invalidateIssuer(String issuer) {
    generation.incrementAndGet();
    cache.asMap().values().removeIf(principal -> issuer.equals(principal.issuer()));
  }

  /** The keys held now, for tests. */
  Set<String> keys() {
    return Set.copyOf(cache.asMap().keySet());
  }

  private static Duration lifetime(Principal principal, Duration skew, Clock clock) {
    Duration left = Duration.between(clock.instant(), principal.expiresAt().plus(skew));
    return left.isNegative() ? Duration.ZERO : left;
  }
}
