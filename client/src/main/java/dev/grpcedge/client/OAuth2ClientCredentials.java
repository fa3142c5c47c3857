package dev.grpcedge.client;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.OAuth2Credentials;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.StringJoiner;

/**
 * Access tokens from an OAuth2 client credentials grant (RFC 6749 section 4.4).
 *
 * <p>Only {@link #refreshAccessToken()} is ours. google-auth's {@link OAuth2Credentials} decides when: within the
 * refresh margin of expiry it refreshes in the background while calls keep using the current token; within the
 * expiration margin (or with no token yet) calls wait; and all concurrent callers share one refresh.
 */
final class OAuth2ClientCredentials extends OAuth2Credentials {
  private final transient ClientCredentialsConfig config;
  private final transient HttpClient http;

  OAuth2ClientCredentials(ClientCredentialsConfig config) {
    super(null, config.refreshMargin(), config.expirationMargin());
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public AccessToken refreshAccessToken() throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(config.tokenUrl())
        .timeout(config.timeout())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    StringJoiner form = new StringJoiner("&");
    add(form, "grant_type", "client_credentials");
    if (config.authMethod() == ClientCredentialsConfig.AuthMethod.BASIC) {
      // RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined for Basic.
      String pair = encode(config.clientId()) + ":" + encode(config.clientSecret());
      request.header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      add(form, "client_id", config.clientId());
      add(form, "client_secret", config.clientSecret());
    }
    if (!config.scopes().isEmpty()) {
      add(form, "scope", String.join(" ", config.scopes()));
    }
    if (config.audience() != null) {
      add(form, "audience", config.audience());
    }
    config.resources().forEach(resource -> add(form, "resource", resource));
    HttpResponse<String> response;
    try {
      response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenEndpointUnavailableException("token request to " + config.tokenUrl() + " interrupted", e);
    } catch (IOException e) {
      throw new TokenEndpointUnavailableException("token endpoint " + config.tokenUrl() + " unreachable: " + e, e);
    }
    return TokenResponses.parse(config.tokenUrl(), response.statusCode(), response.body());
  }

  private static void add(StringJoiner form, String name, String value) {
    form.add(encode(name) + "=" + encode(value));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OAuth2ClientCredentials[" + config + "]";
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
