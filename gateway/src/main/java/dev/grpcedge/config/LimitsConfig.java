package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Limits against abuse: per connection (applied by the transport), per HTTP/2 connection ({@link Http2Limits}),
 * on connections ({@link ConnectionLimits}) and per caller ({@link CallerLimit}, in a local or a Redis store).
 *
 * @param maxInboundMessageBytes largest request message; larger ones fail with RESOURCE_EXHAUSTED
 * @param maxMetadataBytes largest request header block; larger ones are refused
 * @param maxConcurrentStreams concurrent calls on one HTTP/2 connection
 * @param maxConnectionIdle close connections idle this long
 * @param handshakeTimeout close connections that have not finished TLS and HTTP/2 set-up by then
 * @param maxConnectionAge connections are asked to go away (GOAWAY) after about this long, so that clients
 *     rebalance across a fleet; {@link Duration#ZERO} for never
 * @param maxConnectionAgeGrace how long calls may still run on a connection past its age
 * @param connections connections held at once
 * @param http2 the HTTP/2 defences
 * @param callers the per-caller rules, most specific first as in {@code auth.rules}
 * @param store where the callers' buckets live
 * @param redis the Redis store, or null unless {@code store} is {@link Store#REDIS}
 * @param onStoreFailure what a call gets while the store cannot be reached
 */
public record LimitsConfig(
    int maxInboundMessageBytes,
    int maxMetadataBytes,
    int maxConcurrentStreams,
    Duration maxConnectionIdle,
    Duration handshakeTimeout,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace,
    ConnectionLimits connections,
    Http2Limits http2,
    List<CallerLimit> callers,
    Store store,
    RedisConfig redis,
    StoreFailure onStoreFailure) {
  public LimitsConfig {
    callers = List.copyOf(callers);
  }

  /** The defaults used when {@code limits} is left out. */
  public static final LimitsConfig DEFAULTS = bind(null, null, null, null, null, null, null, null, null, null, null,
      null, null);

  /** Where the per-caller buckets live. */
  public enum Store {
    /** In this gateway's memory: each replica limits on its own. */
    LOCAL,
    /** In Redis, shared by every gateway that names the same server. */
    REDIS
  }

  /** What calls get while the Redis store is down. */
  public enum StoreFailure {
    /** Admitted, unlimited, until the store is back. */
    ALLOW,
    /** Refused with UNAVAILABLE until the store is back. */
    DENY
  }

  /** This config with other per-caller rules. */
  public LimitsConfig withCallers(List<CallerLimit> newCallers) {
    return new LimitsConfig(maxInboundMessageBytes, maxMetadataBytes, maxConcurrentStreams, maxConnectionIdle,
        handshakeTimeout, maxConnectionAge, maxConnectionAgeGrace, connections, http2, newCallers, store, redis,
        onStoreFailure);
  }

  /** Binds the {@code limits} section. */
  @JsonCreator
  static LimitsConfig bind(
      @JsonProperty("max_inbound_message_size") @JsonDeserialize(using = ByteSize.class) Integer maxInboundMessage,
      @JsonProperty("max_metadata_size") @JsonDeserialize(using = ByteSize.class) Integer maxMetadata,
      @JsonProperty("max_concurrent_streams") Integer maxConcurrentStreams,
      @JsonProperty("max_connection_idle") Duration maxConnectionIdle,
      @JsonProperty("handshake_timeout") Duration handshakeTimeout,
      @JsonProperty("max_connection_age") Duration maxConnectionAge,
      @JsonProperty("max_connection_age_grace") Duration maxConnectionAgeGrace,
      @JsonProperty("connections") ConnectionLimits connections,
      @JsonProperty("http2") Http2Limits http2,
      @JsonProperty("callers") List<CallerLimit> callers,
      @JsonProperty("store") String store,
      @JsonProperty("redis") RedisConfig redis,
      @JsonProperty("on_store_failure") String onStoreFailure) {
    Store s = parse("store", store, Store.class, Store.LOCAL, "local or redis");
    if (s == Store.REDIS && redis == null) {
      throw new ConfigException("redis", "is required with store: redis (redis.address: host:port)");
    }
    if (s == Store.LOCAL && redis != null) {
      throw new ConfigException("redis", "is set but store is local; write store: redis to use it");
    }
    return new LimitsConfig(
        Checks.integer("max_inbound_message_size", maxInboundMessage, 4 << 20, 1024, 64 << 20),
        Checks.integer("max_metadata_size", maxMetadata, 16 << 10, 1024, 1 << 20),
        Checks.integer("max_concurrent_streams", maxConcurrentStreams, 100, 1, 10_000),
        Checks.duration("max_connection_idle", maxConnectionIdle, Duration.ofMinutes(5), Duration.ofSeconds(1),
            Duration.ofDays(1)),
        Checks.duration("handshake_timeout", handshakeTimeout, Duration.ofSeconds(10), Duration.ofMillis(100),
            Duration.ofMinutes(5)),
        Checks.duration("max_connection_age", maxConnectionAge, Duration.ofHours(1), Duration.ZERO,
            Duration.ofDays(30)),
        Checks.duration("max_connection_age_grace", maxConnectionAgeGrace, Duration.ofMinutes(5), Duration.ZERO,
            Duration.ofDays(1)),
        connections == null ? ConnectionLimits.DEFAULTS : connections,
        http2 == null ? Http2Limits.DEFAULTS : http2,
        callers == null ? List.of(CallerLimit.DEFAULT) : callers,
        s, redis, parse("on_store_failure", onStoreFailure, StoreFailure.class, StoreFailure.ALLOW, "allow or deny"));
  }

  private static <E extends Enum<E>> E parse(String key, String value, Class<E> type, E fallback, String expected) {
    if (value == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "expected " + expected + ", got '" + value + "'");
    }
  }
}
