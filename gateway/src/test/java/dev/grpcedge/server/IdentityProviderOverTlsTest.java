package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.grpcedge.auth.JwksServer;
import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway pointed at a real OAuth2/OIDC server in the test JVM by its issuer URL alone (discovery): tokens
 * from its token endpoint are accepted over TLS for every RPC kind; a provider that is down or slow makes calls
 * UNAVAILABLE without stopping the gateway or other calls.
 */
class IdentityProviderOverTlsTest {
  private static final String CLIENT_ID = "greeter-client";

  static MockOAuth2Server provider;
  static TestGateway gateway;

  @BeforeAll
  static void start(@TempDir Path dir) {
    provider = new MockOAuth2Server();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    gateway = TestGateway.in(dir).issuers("""
            - issuer: %s
              discovery: true
              audiences: [%s]
        """.formatted(provider.issuerUrl("default"), TestGateway.AUDIENCE)).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    provider.shutdown();
  }

  /** RFC 6749 section 4.4: client credentials at the provider's token endpoint, client_secret_post. */
  private static String clientCredentialsToken() throws Exception {
    provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", CLIENT_ID, "JWT",
        List.of(TestGateway.AUDIENCE), Map.of("scope", "greet"), 300));
    String form = "grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret=not-checked&scope=greet";
    HttpRequest request = HttpRequest.newBuilder(provider.tokenEndpointUrl("default").uri())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return JSONObjectUtils.parse(response.body()).get("access_token").toString();
  }

  private static HelloRequest hello(String name) {
    return HelloRequest.newBuilder().setName(name).build();
  }

  @Test
  void clientCredentialsTokenFromTheProviderWorksForAllFourRpcKinds() throws Exception {
    String token = clientCredentialsToken();

    assertEquals("Hello, Alice!", gateway.blockingStub(token).sayHello(hello("Alice")).getMessage());

    StreamRecorder<HelloReply> serverStream = new StreamRecorder<>();
    gateway.asyncStub(token).lotsOfReplies(
        HelloRequest.newBuilder().setName("Bob").setCount(2).build(), serverStream);
    assertEquals(List.of("Hello, Bob! (1 of 2)", "Hello, Bob! (2 of 2)"), serverStream.awaitMessages());

    StreamRecorder<HelloReply> clientStream = new StreamRecorder<>();
    StreamObserver<HelloRequest> greetings = gateway.asyncStub(token).lotsOfGreetings(clientStream);
    greetings.onNext(hello("Carol"));
    greetings.onNext(hello("Dan"));
    greetings.onCompleted();
    assertEquals(List.of("Hello, Carol and Dan!"), clientStream.awaitMessages());

    StreamRecorder<HelloReply> bidi = new StreamRecorder<>();
    StreamObserver<HelloRequest> names = gateway.asyncStub(token).bidiHello(bidi);
    names.onNext(hello("Erin"));
    names.onCompleted();
    assertEquals(List.of("Hello, Erin!"), bidi.awaitMessages());
  }

  @Test
  void tokenFromTheProviderForAnotherAudienceIsRefused() throws Exception {
    String token = provider.issueToken("default", CLIENT_ID,
        new DefaultOAuth2TokenCallback("default", CLIENT_ID, "JWT", List.of("another-api"),
            Map.of("scope", "greet"), 300)).serialize();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> gateway.blockingStub(token).sayHello(hello("Alice")));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertEquals("invalid audience", e.getStatus().getDescription());
  }

  @Test
  void providerDownFromTheStartLeavesTheGatewayUpAndCallsUnavailable(@TempDir Path dir) {
    URI nowhere = JwksServer.closedPortUrl("/jwks");
    TestIssuer issuer = TestIssuer.create("https://idp.down.example", TestGateway.AUDIENCE);
    try (TestGateway down = TestGateway.in(dir).issuers("""
            - issuer: %s
              jwks_url: %s
              audiences: [%s]
        """.formatted(issuer.issuer(), nowhere, TestGateway.AUDIENCE)).start()) {
      HealthCheckResponse health = HealthGrpc.newBlockingStub(down.channel())
          .check(HealthCheckRequest.getDefaultInstance());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());

      String token = issuer.token().sub("alice").scopes("greet").sign();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> down.blockingStub(token).sayHello(hello("Alice")));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertEquals("identity provider unavailable", e.getStatus().getDescription());
    }
  }

  @Test
  void slowProviderDoesNotHoldUpOtherCalls(@TempDir Path dir) throws Exception {
    TestIssuer issuer = TestIssuer.create("placeholder", TestGateway.AUDIENCE);
    try (JwksServer slow = JwksServer.start("/slow").down(true);
        TestGateway g = TestGateway.in(dir)
            .extraIssuers(slow.issuerYaml("{ http_timeout: 2s, min_refetch_interval: 1s }")).start()) {
      slow.serve(issuer.publicJwks()).down(false).delay(Duration.ofMillis(1500));
      Thread.sleep(1100); // past min_refetch_interval since the failed warm-up
      String slowToken = issuer.token().iss(slow.issuer()).sub("alice").scopes("greet").sign();
      String verifiedToken = g.token("greet");

      // One connection for every call, set up first, so only the key fetch can stand between them. The
      // verified token's calls and the health checks run on the connection's event loop; the slow token's
      // verification must not.
      ManagedChannel channel = g.channel();
      var health = HealthGrpc.newBlockingStub(channel);
      var verified = GreeterGrpc.newBlockingStub(channel).withCallCredentials(BearerCredentials.of(verifiedToken));
      health.check(HealthCheckRequest.getDefaultInstance());
      verified.sayHello(hello("Bob"));
      CompletableFuture<String> greeting = CompletableFuture.supplyAsync(() -> GreeterGrpc.newBlockingStub(channel)
          .withCallCredentials(BearerCredentials.of(slowToken)).sayHello(hello("Alice")).getMessage());
      Thread.sleep(200); // the greeting is now waiting for the provider
      long start = System.nanoTime();
      health.check(HealthCheckRequest.getDefaultInstance());
      String other = verified.sayHelloAgain(hello("Bob")).getMessage();
      long otherMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertEquals("Hello again, Bob!", other);
      assertTrue(otherMillis < 500, "two calls took " + otherMillis + " ms behind a slow key fetch");
      assertTrue(!greeting.isDone(), "the greeting did not wait for the provider");
      assertEquals("Hello, Alice!", greeting.get(10, TimeUnit.SECONDS));
    }
  }
}
