package dev.grpcedge.server;

import dev.grpcedge.config.Http2Limits;
import dev.grpcedge.config.LimitsConfig;
import io.grpc.netty.NettyServerBuilder;
import java.util.concurrent.TimeUnit;

/** The gRPC listener's transport limits and grpc-java's own HTTP/2 defences, from {@code limits}. */
final class TransportLimits {
  private TransportLimits() {}

  static void apply(NettyServerBuilder builder, LimitsConfig limits) {
    builder.maxInboundMessageSize(limits.maxInboundMessageBytes())
        .maxInboundMetadataSize(limits.maxMetadataBytes())
        .maxConcurrentCallsPerConnection(limits.maxConcurrentStreams())
        .maxConnectionIdle(limits.maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS)
        .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        // Refuse clients that ping faster than this: a ping flood is a cheap way to burn an edge's CPU.
        .permitKeepAliveTime(limits.http2().minPingInterval().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(false);
    Http2Limits h2 = limits.http2();
    if (h2.maxResets() > 0) {
      // Off by default in grpc-java. It counts the resets a client sends and, since 1.76, those the server sends
      // for a client's malformed frames (MadeYouReset); over the limit, GOAWAY ENHANCE_YOUR_CALM.
      builder.maxRstFramesPerWindow(h2.maxResets(), (int) Math.max(1, h2.window().toSeconds()));
    }
    if (!limits.maxConnectionAge().isZero()) {
      // grpc-java adds +-10% of jitter, so a fleet's connections do not all go away at once.
      builder.maxConnectionAge(limits.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
          .maxConnectionAgeGrace(limits.maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS);
    }
  }}
