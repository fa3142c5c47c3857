package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * Limits against abuse, applied per connection by the transport.
 *
 * @param maxInboundMessageBytes largest request message; larger ones fail with RESOURCE_EXHAUSTED
 * @param maxMetadataBytes largest request header block; larger ones are refused
 * @param maxConcurrentStreams concurrent calls on one HTTP/2 connection
 * @param maxConnectionIdle close connections idle this long
 * @param handshakeTimeout close connections that have not finished TLS and HTTP/2 set-up by then
 */
public record LimitsConfig(
    int maxInboundMessageBytes,
    int maxMetadataBytes,
    int maxConcurrentStreams,
    Duration maxConnectionIdle,
    Duration handshakeTimeout) {
  /** The defaults used when {@code limits} is left out. */
  public static final LimitsConfig DEFAULTS = bind(null, null, null, null, null);

  /** Binds the {@code limits} section. */
  @JsonCreator
  static LimitsConfig bind(
      @JsonProperty("max_inbound_message_size") @JsonDeserialize(using = ByteSize.class) Integer maxInboundMessage,
      @JsonProperty("max_metadata_size") @JsonDeserialize(using = ByteSize.class) Integer maxMetadata,
      @JsonProperty("max_concurrent_streams") Integer maxConcurrentStreams,
      @JsonProperty("max_connection_idle") Duration maxConnectionIdle,
      @JsonProperty("handshake_timeout") Duration handshakeTimeout) {
    return new LimitsConfig(
        Checks.integer("max_inbound_message_size", maxInboundMessage, 4 << 20, 1024, 64 << 20),
        Checks.integer("max_metadata_size", maxMetadata, 16 << 10, 1024, 1 << 20),
        Checks.integer("max_concurrent_streams", maxConcurrentStreams, 100, 1, 10_000),
        Checks.duration("max_connection_idle", maxConnectionIdle, Duration.ofMinutes(5), Duration.ofSeconds(1),
            Duration.ofDays(1)),
        Checks.duration("handshake_timeout", handshakeTimeout, Duration.ofSeconds(10), Duration.ofMillis(100),
            Duration.ofMinutes(5)));
  }
}
