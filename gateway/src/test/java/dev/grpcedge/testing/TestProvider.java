package dev.grpcedge.testing;

import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OAuth2/OIDC provider in the test JVM (mock-oauth2-server on loopback): it issues RS256 tokens for the
 * gateway's audience with the requested scopes (or {@code greet}), counts the tokens it issues and remembers the
 * last token request, so tests can prove how often and how a client asked.
 */
public final class TestProvider implements AutoCloseable {
  public static final String ISSUER_ID = "default";

  private final Callback callback = new Callback();
  private final MockOAuth2Server server;

  private TestProvider() {
    server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(),
        java.util.Set.of(callback)));
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  public static TestProvider start() {
    return new TestProvider();
  }

  /** The issuer URL, as {@code iss} in the tokens issued through {@link #tokenUrl()}. */
  public String issuer() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  public URI tokenUrl() {
    return server.tokenEndpointUrl(ISSUER_ID).uri();
  }

  /** Lifetime in seconds of the tokens issued from now on. */
  public void tokenLifetimeSeconds(long seconds) {
    callback.expiry = seconds;
  }

  /** Tokens issued so far: one per request to the token endpoint. */
  public int tokensIssued() {
    return callback.issued.get();
  }

  /** The last token request, parsed by nimbus. */
  public TokenRequest lastRequest() {
    return callback.last;
  }

  public ClientAuthenticationMethod lastAuthMethod() {
    return callback.last.getClientAuthentication().getMethod();
  }

  /**
   * Fetches the provider's JWKS over HTTP into {@code dir/provider.jwks.json} and returns the YAML list item for
   * {@code auth.issuers} (for {@link TestGateway.Builder#extraIssuers}) trusting it for the gateway's audience.
   */
  public String issuerYaml(Path dir) {
    try {
      HttpResponse<String> jwks = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(server.jwksUrl(ISSUER_ID).uri()).build(), HttpResponse.BodyHandlers.ofString());
      Files.writeString(dir.resolve("provider.jwks.json"), jwks.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return "    - issuer: " + issuer() + "\n      jwks_file: provider.jwks.json\n      audiences: ["
        + TestGateway.AUDIENCE + "]\n";
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /** Issues tokens for the gateway's audience; the subject is the client id. */
  private static final class Callback implements OAuth2TokenCallback {
    final AtomicInteger issued = new AtomicInteger();
    volatile long expiry = 300;
    volatile TokenRequest last;

    @Override
    public String issuerId() {
      return ISSUER_ID;
    }

    @Override
    public String subject(TokenRequest request) {
      return request.getClientAuthentication() != null
          ? request.getClientAuthentication().getClientID().getValue() : "anonymous";
    }

    @Override
    public String typeHeader(TokenRequest request) {
      return "JWT";
    }

    @Override
    public List<String> audience(TokenRequest request) {
      return List.of(TestGateway.AUDIENCE);
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
      last = request;
      issued.incrementAndGet();
      String scope = request.getScope() == null ? "greet" : request.getScope().toString();
      return Map.of("scope", scope);
    }

    @Override
    public long tokenExpiry() {
      return expiry;
    }
  }
}
