package dev.grpcedge.config;

import dev.grpcedge.config.SecurityConfig.Risk;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The secure-by-default check of a whole config: each setting that weakens the edge is refused, naming its key,
 * unless its {@link Risk} is accepted in {@code security.accept_risks}. (That every method is public is checked
 * against the served methods, at start-up: {@code RuleCoverage}.)
 */
final class EdgeRisks {
  /** Longer than this, {@code auth.clock_skew} is a risk. */
  static final Duration MAX_SAFE_SKEW = Duration.ofMinutes(5);

  private EdgeRisks() {}

  static void check(AuthConfig auth, LimitsConfig limits, SecurityConfig security) {
    if (!security.acceptedRisks().contains(Risk.DEFENCES_OFF)) {
      Http2Limits h2 = limits.http2();
      off("limits.http2.max_resets", h2.maxResets());
      off("limits.http2.max_empty_data_frames", h2.maxEmptyDataFrames());
      off("limits.http2.max_continuation_frames", h2.maxContinuationFrames());
      off("limits.http2.max_settings_frames", h2.maxSettingsFrames());
      if (h2.minPingInterval().isZero()) {
        throw Risk.DEFENCES_OFF.refusal("limits.http2.min_ping_interval", "0s (pings at any rate)");
      }
      off("limits.connections.per_ip", limits.connections().perIp());
      off("limits.connections.total", limits.connections().total());
      if (limits.callers().isEmpty()) {
        throw Risk.DEFENCES_OFF.refusal("limits.callers", "[] (no per-caller limit)");
      }
      List<CallerLimit> callers = limits.callers();
      for (int i = 0; i < callers.size(); i++) {
        CallerLimit c = callers.get(i);
        if (c.callsPerSecond() == 0 && c.concurrentCalls() == 0 && c.messagesPerSecond() == 0) {
          throw Risk.DEFENCES_OFF.refusal("limits.callers[" + i + "]", "a rule with every limit 0");
        }
      }
    }
    if (!security.acceptedRisks().contains(Risk.LONG_CLOCK_SKEW) && auth.clockSkew().compareTo(MAX_SAFE_SKEW) > 0) {
      throw Risk.LONG_CLOCK_SKEW.refusal("auth.clock_skew", Durations.format(auth.clockSkew()));
    }
    if (!security.acceptedRisks().contains(Risk.PLAIN_HTTP_KEYS)) {
      for (int i = 0; i < auth.issuers().size(); i++) {
        IssuerConfig issuer = auth.issuers().get(i);
        if (issuer.jwksUrl() != null && KeyUrls.plainHttpBeyondLoopback(issuer.jwksUrl())) {
          throw Risk.PLAIN_HTTP_KEYS.refusal("auth.issuers[" + i + "].jwks_url", "plain http to " + issuer.jwksUrl()
              .getHost());
        }
        if (issuer.discovery() && KeyUrls.plainHttpBeyondLoopback(URI.create(issuer.issuer()))) {
          throw Risk.PLAIN_HTTP_KEYS.refusal("auth.issuers[" + i + "].issuer", "discovery over plain http to "
              + URI.create(issuer.issuer()).getHost());
        }
      }
    }
  }

  private static void off(String key, int value) {
    if (value == 0) {
      throw Risk.DEFENCES_OFF.refusal(key, "0");
    }
  }
}
