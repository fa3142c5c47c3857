package dev.grpcedge.client;

import com.google.auth.oauth2.AccessToken;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.Date;
import java.util.Map;

/** Reads a token endpoint's answer (RFC 6749 sections 5.1 and 5.2) into an {@link AccessToken}. */
final class TokenResponses {
  private TokenResponses() {}

  /**
   * The access token of a 200 answer. A 4xx answer throws {@link TokenEndpointException} with the RFC error code
   * only (its free-text description may echo what was sent); a server error throws
   * {@link TokenEndpointUnavailableException} ({@code UNAVAILABLE}, callers retry); a 200 without a usable bearer
   * token throws a plain {@link IOException} ({@code UNAUTHENTICATED}: the provider is misconfigured).
   */
  static AccessToken parse(URI endpoint, int status, String body) throws IOException {
    Map<String, Object> json = parseJson(body);
    if (status >= 400 && status < 500) {
      throw new TokenEndpointException("token endpoint " + endpoint + " refused the client: HTTP " + status
          + (json != null && json.get("error") instanceof String error ? " " + error : ""));
    }
    if (status != 200 || json == null) {
      throw new TokenEndpointUnavailableException("token endpoint " + endpoint + " answered HTTP " + status
          + (json == null ? " without a JSON body" : ""), null);
    }
    if (!(json.get("access_token") instanceof String token) || token.isEmpty()) {
      throw new IOException("token endpoint " + endpoint + " answered without an access_token");
    }
    if (!(json.get("token_type") instanceof String type) || !type.equalsIgnoreCase("Bearer")) {
      throw new IOException("token endpoint " + endpoint + " answered a token_type other than Bearer");
    }
    // expires_in is only RECOMMENDED; without it the token is used until the gateway rejects it.
    Date expiresAt = json.get("expires_in") instanceof Number seconds
        ? new Date(System.currentTimeMillis() + seconds.longValue() * 1000)
        : null;
    return new AccessToken(token, expiresAt);
  }

  private static Map<String, Object> parseJson(String body) {
    try {
      return body == null || body.isBlank() ? null : JSONObjectUtils.parse(body);
    } catch (ParseException e) {
      return null;
    }
  }
}
