package dev.grpcedge.config;

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
    Duration handshakeTimeout) {}
