package dev.grpcedge.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An OAuth2 client credentials grant (RFC 6749 section 4.4): where to ask, as whom, for what. Immutable; made with
 * {@link #builder}. (A class, not a record: the client library targets Java 11.)
 */
public final class ClientCredentialsConfig {
  /** google-auth's defaults (3 min 45 s and 3 min): right for the usual 5 to 60 minute tokens. */
  public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(225);
  public static final Duration DEFAULT_EXPIRATION_MARGIN = Duration.ofMinutes(3);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** How the client proves its identity to the token endpoint (RFC 6749 section 2.3.1). */
  public enum AuthMethod {
    /** {@code client_secret_basic}: HTTP Basic authentication, the method every server must support. */
    BASIC,
    /** {@code client_secret_post}: {@code client_id} and {@code client_secret} in the form body. */
    POST
  }

  private final URI tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final AuthMethod authMethod;
  private final List<String> scopes;
  private final String audience;
  private final List<String> resources;
  private final Duration refreshMargin;
  private final Duration expirationMargin;
  private final Duration timeout;

  private ClientCredentialsConfig(Builder b) {
    tokenUrl = requireNonNull(b.tokenUrl, "token url");
    clientId = requireNonNull(b.clientId, "client id");
    clientSecret = requireNonNull(b.clientSecret, "client secret");
    authMethod = requireNonNull(b.authMethod, "auth method");
    scopes = List.copyOf(b.scopes);
    audience = b.audience;
    resources = List.copyOf(b.resources);
    refreshMargin = requireNonNull(b.refreshMargin, "refresh margin");
    expirationMargin = requireNonNull(b.expirationMargin, "expiration margin");
    timeout = requireNonNull(b.timeout, "timeout");
    String scheme = tokenUrl.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !("http".equalsIgnoreCase(scheme) && isLoopback(tokenUrl))) {
      // The client secret travels in this request: plaintext is allowed only where it cannot leave the host.
      throw new IllegalArgumentException("token url: must be https (http only on localhost): " + tokenUrl);
    }
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("client id: empty");
    }
    if (clientSecret.isEmpty()) {
      throw new IllegalArgumentException("client secret: empty");
    }
    if (expirationMargin.compareTo(refreshMargin) > 0) {
      throw new IllegalArgumentException("expiration margin: must not exceed the refresh margin");
    }
  }

  /** The provider's token endpoint (https, or http on loopback for tests). */
  public URI tokenUrl() {
    return tokenUrl;
  }

  public String clientId() {
    return clientId;
  }

  /** The client secret; never logged or shown (see {@link #toString()}). */
  public String clientSecret() {
    return clientSecret;
  }

  public AuthMethod authMethod() {
    return authMethod;
  }

  /** Scopes to request (the {@code scope} parameter), may be empty. */
  public List<String> scopes() {
    return scopes;
  }

  /** The {@code audience} parameter (Auth0, Okta and others), or null. */
  public String audience() {
    return audience;
  }

  /** {@code resource} parameters (RFC 8707, Entra ID and others), may be empty. */
  public List<String> resources() {
    return resources;
  }

  /** A token this close to expiry is refreshed in the background while still in use. */
  public Duration refreshMargin() {
    return refreshMargin;
  }

  /** A token this close to expiry is no longer sent: calls wait for a fresh one. */
  public Duration expirationMargin() {
    return expirationMargin;
  }

  /** Connect and response timeout of one token request. */
  public Duration timeout() {
    return timeout;
  }

  public static Builder builder(URI tokenUrl, String clientId, String clientSecret) {
    return new Builder(tokenUrl, clientId, clientSecret);
  }

  private static boolean isLoopback(URI url) {
    String host = url.getHost();
    return "localhost".equalsIgnoreCase(host) || "127.0.0.1".equals(host) || "[::1]".equals(host);
  }

  /** Shows everything but the secret. */
  @Override
  public String toString() {
    return "ClientCredentialsConfig[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", authMethod=" + authMethod
        + ", scopes=" + scopes + ", audience=" + audience + ", resources=" + resources + "]";
  }

  /** Builds a {@link ClientCredentialsConfig} with {@code client_secret_basic} and google-auth's margins. */
  public static final class Builder {
    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private AuthMethod authMethod = AuthMethod.BASIC;
    private final List<String> scopes = new ArrayList<>();
    private String audience;
    private final List<String> resources = new ArrayList<>();
    private Duration refreshMargin = DEFAULT_REFRESH_MARGIN;
    private Duration expirationMargin = DEFAULT_EXPIRATION_MARGIN;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(URI tokenUrl, String clientId, String clientSecret) {
      this.tokenUrl = tokenUrl;
      this.clientId = clientId;
      this.clientSecret = clientSecret;
    }

    public Builder authMethod(AuthMethod method) {
      this.authMethod = method;
      return this;
    }

    public Builder scopes(List<String> scopes) {
      this.scopes.addAll(scopes);
      return this;
    }

    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    public Builder resources(List<String> resources) {
      this.resources.addAll(resources);
      return this;
    }

    /** Both margins; for short-lived tokens they must be well below the token lifetime. */
    public Builder margins(Duration refresh, Duration expiration) {
      this.refreshMargin = refresh;
      this.expirationMargin = expiration;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** @throws IllegalArgumentException when a value cannot be used (a non-https URL, an empty id, ...) */
    public ClientCredentialsConfig build() {
      return new ClientCredentialsConfig(this);
    }
  }
}
