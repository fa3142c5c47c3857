package dev.grpcedge.client;

import com.google.auth.oauth2.AccessToken;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.util.Date;

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
    JsonObject json = parseJson(body);
    if (status >= 400 && status < 500) {
      String error = string(json, "error");
      throw new TokenEndpointException("token endpoint " + endpoint + " refused the client: HTTP " + status
          + (error != null ? " " + error : ""));
    }
    if (status != 200 || json == null) {
      throw new TokenEndpointUnavailableException("token endpoint " + endpoint + " answered HTTP " + status
          + (json == null ? " without a JSON body" : ""), null);
    }
    String token = string(json, "access_token");
    if (token == null || token.isEmpty()) {
      throw new IOException("token endpoint " + endpoint + " answered without an access_token");
    }
    String type = string(json, "token_type");
    if (type == null || !type.equalsIgnoreCase("Bearer")) {
      throw new IOException("token endpoint " + endpoint + " answered a token_type other than Bearer");
    }
    // expires_in is only RECOMMENDED; without it the token is used until the gateway rejects it.
    JsonElement expiresIn = json.get("expires_in");
    Date expiresAt = expiresIn != null && expiresIn.isJsonPrimitive() && expiresIn.getAsJsonPrimitive().isNumber()
        ? new Date(System.currentTimeMillis() + expiresIn.getAsLong() * 1000)
        : null;
    return new AccessToken(token, expiresAt);
  }

  private static JsonObject parseJson(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonElement parsed = JsonParser.parseString(body);
      return parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
    } catch (JsonParseException | IllegalStateException e) {
      return null;
    }
  }

  /** The member {@code name} when it is a JSON string, else null. */
  private static String string(JsonObject json, String name) {
    JsonElement value = json == null ? null : json.get(name);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString()
        : null;
  }
}
