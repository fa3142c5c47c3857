package dev.grpcedge.web;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for the allowlisted origins only. Preflights are answered here and never reach a service; an origin not on
 * the list gets no CORS header at all and is refused before authentication. Credentials are allowed, so there is
 * never a {@code *}: the allowed origin is echoed, with {@code Vary: Origin}.
 */
final class Cors {
  static final String ALLOWED_HEADERS = "authorization, content-type, x-grpc-web, x-user-agent, grpc-timeout,"
      + " connect-protocol-version, connect-timeout-ms";
  static final String EXPOSED_HEADERS = "grpc-status, grpc-message, grpc-status-details-bin";

  private final Set<String> origins;
  private final long maxAgeSeconds;

  Cors(List<String> allowedOrigins, Duration maxAge) {
    this.origins = Set.copyOf(allowedOrigins);
    this.maxAgeSeconds = maxAge.toSeconds();
  }

  /** True for a request without {@code Origin} (not a browser page) or from an allowlisted origin. */
  boolean allows(String origin) {
    return origin == null || origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** The headers of an answer to {@code origin}'s page (none for a request that sent no {@code Origin}). */
  HttpHeaders responseHeaders(String origin) {
    HttpHeaders headers = new DefaultHttpHeaders();
    if (origin != null) {
      headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
          .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
          .set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS)
          .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
    return headers;
  }

  /** The headers of a preflight's answer for an allowlisted {@code origin}. */
  HttpHeaders preflightHeaders(String origin) {
    return responseHeaders(origin)
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
        .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, String.valueOf(maxAgeSeconds));
  }
}
