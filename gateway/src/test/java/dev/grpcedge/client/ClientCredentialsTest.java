package dev.grpcedge.client;

import static dev.grpcedge.testing.GreeterCalls.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.sun.net.httpserver.HttpServer;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.testing.GreeterCalls;
import dev.grpcedge.testing.ProviderGateway;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tokens from a real provider's token endpoint (client credentials grant) are accepted end to end over TLS, and
 * a token endpoint that refuses or cannot be reached fails the call with the status a caller can act on.
 */
class ClientCredentialsTest {
  static final String SECRET = "s3cret-do-not-echo";

  @RegisterExtension static final ProviderGateway env = new ProviderGateway();

  static ClientCredentialsConfig.Builder config(URI tokenUrl) {
    return ClientCredentialsConfig.builder(tokenUrl, "billing-service", SECRET);
  }

  @ParameterizedTest
  @EnumSource(ClientCredentialsConfig.AuthMethod.class)
  void providerTokenIsAcceptedForAllFourRpcKinds(ClientCredentialsConfig.AuthMethod method) throws Exception {
    var credentials = BearerCredentials.from(TokenSources.clientCredentials(
        config(env.provider().tokenUrl()).authMethod(method).build()));

    GreeterCalls.assertAllFourKindsGreet(env.gateway().channel(), credentials);

    assertEquals(method == ClientCredentialsConfig.AuthMethod.BASIC
        ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC : ClientAuthenticationMethod.CLIENT_SECRET_POST,
        env.provider().lastAuthMethod());
  }

  @Test
  void scopesAudienceAndResourcesAreSentToTheTokenEndpoint() {
    var credentials = BearerCredentials.from(TokenSources.clientCredentials(config(env.provider().tokenUrl())
        .scopes(List.of("greet", "read")).audience("https://edge.example").resources(List.of("https://api.example"))
        .build()));

    GreeterGrpc.newBlockingStub(env.gateway().channel()).withCallCredentials(credentials).sayHello(request("Ann"));

    var sent = env.provider().lastRequest();
    assertEquals(List.of("greet", "read"), sent.getScope().toStringList());
    assertEquals(List.of("https://edge.example"), sent.getCustomParameters().get("audience"));
    assertEquals(List.of(URI.create("https://api.example")), sent.getResources());
  }

  @Test
  void tokenWithoutTheRequiredScopeIsDeniedByTheGateway() {
    var credentials = BearerCredentials.from(TokenSources.clientCredentials(
        config(env.provider().tokenUrl()).scopes(List.of("read")).build()));

    var e = assertThrows(StatusRuntimeException.class, () ->
        GreeterGrpc.newBlockingStub(env.gateway().channel()).withCallCredentials(credentials).sayHello(request("Ann")));

    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
  }

  @Test
  void refusedClientFailsTheCallWithUnauthenticatedWithoutEchoingTheSecret() throws IOException {
    HttpServer refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    refusing.createContext("/token", exchange -> {
      byte[] body = "{\"error\":\"invalid_client\",\"error_description\":\"bad secret s3cret-do-not-echo\"}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    refusing.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + refusing.getAddress().getPort() + "/token");
      var credentials = BearerCredentials.from(TokenSources.clientCredentials(config(url).build()));

      var e = assertThrows(StatusRuntimeException.class, () -> GreeterGrpc.newBlockingStub(env.gateway().channel())
          .withCallCredentials(credentials).withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(request("Ann")));

      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
      TokenEndpointException cause = assertInstanceOf(TokenEndpointException.class, e.getStatus().getCause());
      assertTrue(cause.getMessage().endsWith("refused the client: HTTP 401 invalid_client"), cause.getMessage());
      assertFalse(e.toString().contains(SECRET) || cause.getMessage().contains(SECRET));
    } finally {
      refusing.stop(0);
    }
  }

  @Test
  void unreachableTokenEndpointFailsTheCallWithUnavailable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + closedPort + "/token");
    var credentials = BearerCredentials.from(TokenSources.clientCredentials(config(url).build()));

    var e = assertThrows(StatusRuntimeException.class, () -> GreeterGrpc.newBlockingStub(env.gateway().channel())
        .withCallCredentials(credentials).withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(request("Ann")));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    assertTrue(e.getStatus().getCause().getMessage().contains("unreachable"), e.getStatus().getCause().getMessage());
  }

  @Test
  void configRefusesAPlaintextTokenUrlOffLoopback() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> config(URI.create("http://idp.example/token")).build());
    assertTrue(e.getMessage().startsWith("token url: must be https"), e.getMessage());
  }

  @Test
  void configToStringNeverShowsTheSecret() {
    assertFalse(config(env.provider().tokenUrl()).build().toString().contains(SECRET));
  }
}
