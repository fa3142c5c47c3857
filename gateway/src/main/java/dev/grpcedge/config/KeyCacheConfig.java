package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * How a remote issuer's key set is fetched and cached ({@code auth.issuers[].keys}).
 *
 * @param cacheTtl how long a fetched key set is used before it must be fetched again
 * @param refreshAhead how long before {@code cacheTtl} ends, less the {@link #refreshTimeout()}, a background
 *     refresh starts
 * @param minRefetchInterval the interval in which at most two fetches run, refetches forced by an unknown
 *     {@code kid} and background refreshes alike
 * @param httpTimeout connect and read timeout of each request to the identity provider
 * @param maxResponseBytes largest discovery or JWKS response accepted
 * @param outageTolerance how long the last good key set keeps serving while the provider is down
 */
public record KeyCacheConfig(Duration cacheTtl, Duration refreshAhead, Duration minRefetchInterval,
    Duration httpTimeout, int maxResponseBytes, Duration outageTolerance) {
  /** The defaults used when {@code keys} is left out. */
  public static final KeyCacheConfig DEFAULTS = new KeyCacheConfig(Duration.ofMinutes(5), Duration.ofSeconds(30),
      Duration.ofSeconds(30), Duration.ofSeconds(2), 256 * 1024, Duration.ofHours(24));

  public KeyCacheConfig {
    requireNonNull(cacheTtl, "keys.cache_ttl");
    requireNonNull(refreshAhead, "keys.refresh_ahead");
    requireNonNull(minRefetchInterval, "keys.min_refetch_interval");
    requireNonNull(httpTimeout, "keys.http_timeout");
    requireNonNull(outageTolerance, "keys.outage_tolerance");
    // nimbus refuses these combinations; say so in config terms at start-up instead.
    if (refreshAhead.plus(refreshTimeout(httpTimeout)).compareTo(cacheTtl) >= 0) {
      throw new IllegalArgumentException("refresh_ahead + 3 x http_timeout must be shorter than cache_ttl");
    }
    if (minRefetchInterval.compareTo(cacheTtl) >= 0) {
      throw new IllegalArgumentException("min_refetch_interval must be shorter than cache_ttl");
    }
  }

  /** How long callers wait for a refresh in progress: a connect and a read timeout, with room to spare. */
  public Duration refreshTimeout() {
    return refreshTimeout(httpTimeout);
  }

  private static Duration refreshTimeout(Duration httpTimeout) {
    return httpTimeout.multipliedBy(3);
  }

  /** Binds an issuer's {@code keys} section. */
  @JsonCreator
  static KeyCacheConfig bind(@JsonProperty("cache_ttl") Duration cacheTtl,
      @JsonProperty("refresh_ahead") Duration refreshAhead,
      @JsonProperty("min_refetch_interval") Duration minRefetchInterval,
      @JsonProperty("http_timeout") Duration httpTimeout,
      @JsonProperty("max_response_size") @JsonDeserialize(using = ByteSize.class) Integer maxResponseSize,
      @JsonProperty("outage_tolerance") Duration outageTolerance) {
    KeyCacheConfig d = DEFAULTS;
    Duration ttl = Checks.duration("cache_ttl", cacheTtl, d.cacheTtl(), Duration.ofSeconds(10), Duration.ofDays(1));
    Duration ahead = Checks.duration("refresh_ahead", refreshAhead, d.refreshAhead(), Duration.ofSeconds(1),
        Duration.ofHours(1));
    Duration refetch = Checks.duration("min_refetch_interval", minRefetchInterval, d.minRefetchInterval(),
        Duration.ofSeconds(1), Duration.ofHours(1));
    Duration timeout = Checks.duration("http_timeout", httpTimeout, d.httpTimeout(), Duration.ofMillis(100),
        Duration.ofSeconds(30));
    int maxSize = Checks.integer("max_response_size", maxResponseSize, d.maxResponseBytes(), 1024, 16 << 20);
    Duration outage = Checks.duration("outage_tolerance", outageTolerance, d.outageTolerance(), Duration.ZERO,
        Duration.ofDays(30));
    try {
      return new KeyCacheConfig(ttl, ahead, refetch, timeout, maxSize, outage);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cache_ttl", e.getMessage());
    }
  }
}
