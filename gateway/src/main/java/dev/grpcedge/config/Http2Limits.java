package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Per-connection HTTP/2 defences ({@code limits.http2}). A count of 0 turns its defence off, which start-up refuses
 * unless {@code security.accept_risks} names it. A connection over any of them is closed with GOAWAY
 * {@code ENHANCE_YOUR_CALM}; other connections go on.
 *
 * @param maxResets RST_STREAM frames per {@code window} and connection, those the client sends (rapid reset,
 *     CVE-2023-44487) and those the server sends for a client's errors (MadeYouReset, CVE-2025-8671)
 * @param maxEmptyDataFrames consecutive DATA frames without data or END_STREAM (CVE-2019-9518)
 * @param maxContinuationFrames CONTINUATION frames in one header block (CVE-2024-27316)
 * @param maxSettingsFrames SETTINGS frames per {@code window} and connection
 * @param window the window of {@code max_resets} and {@code max_settings_frames}
 * @param minPingInterval pings closer together than this count as strikes; the second strike closes the
 *     connection (grpc-java's keepalive enforcement); 0 allows any rate
 */
public record Http2Limits(int maxResets, int maxEmptyDataFrames, int maxContinuationFrames, int maxSettingsFrames,
    Duration window, Duration minPingInterval) {
  /** The defaults, fit for the internet. */
  public static final Http2Limits DEFAULTS = bind(null, null, null, null, null, null);

  /** Binds {@code limits.http2}. */
  @JsonCreator
  static Http2Limits bind(@JsonProperty("max_resets") Integer maxResets,
      @JsonProperty("max_empty_data_frames") Integer maxEmptyDataFrames,
      @JsonProperty("max_continuation_frames") Integer maxContinuationFrames,
      @JsonProperty("max_settings_frames") Integer maxSettingsFrames,
      @JsonProperty("window") Duration window,
      @JsonProperty("min_ping_interval") Duration minPingInterval) {
    return new Http2Limits(
        // Netty's own server default: 200 in 30 s. A gRPC client resets a stream only when it cancels a call.
        Checks.integer("max_resets", maxResets, 200, 0, 1_000_000),
        // Netty's Http2EmptyDataFrameConnectionDecoder allows 2; grpc-java clients send none (their last DATA
        // frame carries END_STREAM), browsers' HTTP/2 stacks at most one now and then.
        Checks.integer("max_empty_data_frames", maxEmptyDataFrames, 10, 0, 10_000),
        // Real header blocks need one or two past the HEADERS frame at a 16 KiB metadata limit.
        Checks.integer("max_continuation_frames", maxContinuationFrames, 16, 0, 10_000),
        Checks.integer("max_settings_frames", maxSettingsFrames, 100, 0, 1_000_000),
        Checks.duration("window", window, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1)),
        Checks.duration("min_ping_interval", minPingInterval, Duration.ofSeconds(20), Duration.ZERO,
            Duration.ofHours(2)));
  }
}
