package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.auth.TestToken;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a bearer token can be wrong, sent over real TLS to a running gateway: each is refused with
 * UNAUTHENTICATED and a short description that never echoes the token.
 */
class BearerAuthOverTlsTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final HelloRequest ALICE = HelloRequest.newBuilder().setName("Alice").build();

  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Sends raw authorization header values, bypassing CallCredentials, so malformed headers reach the server. */
  private static StatusRuntimeException callWithHeaders(String... authorizationValues) {
    Metadata headers = new Metadata();
    for (String v : authorizationValues) {
      headers.put(AUTHORIZATION, v);
    }
    var stub = GreeterGrpc.newBlockingStub(gateway.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    return assertThrows(StatusRuntimeException.class, () -> stub.sayHello(ALICE));
  }

  private static void assertRefused(Status.Code code, String description, String token, StatusRuntimeException e) {
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(description, e.getStatus().getDescription());
    if (token != null && token.length() > 8) {
      for (String part : token.split("\\.")) {
        if (part.length() > 8) {
          assertFalse(String.valueOf(e.getStatus()).contains(part), "status echoes the token");
          assertFalse(String.valueOf(e.getTrailers()).contains(part), "trailers echo the token");
        }
      }
    }
  }

  static Stream<Arguments> badTokens() throws Exception {
    var otherRsa = new RSAKeyGenerator(2048).keyID(TestIssuer.RSA_KID).generate();
    var unknownKid = new RSAKeyGenerator(2048).keyID("not-published").generate();
    Instant now = Instant.now();
    List<Arguments> cases = List.of(
        Arguments.of("garbage", (Function<TestIssuer, String>) i -> "not-a-jwt", "malformed token"),
        Arguments.of("alg none", (Function<TestIssuer, String>) i -> i.token().unsecured(), "unsupported token algorithm"),
        Arguments.of("HS256 with the public key", (Function<TestIssuer, String>) i -> i.token().alg(JWSAlgorithm.HS256)
            .signWith(hmacWithPublicKey(i)).sign(),
            "unsupported token algorithm"),
        Arguments.of("unknown kid", (Function<TestIssuer, String>) i -> i.token().signWith(unknownKid).sign(), "unknown signing key"),
        Arguments.of("wrong key, right kid", (Function<TestIssuer, String>) i -> i.token().signWith(otherRsa).sign(), "invalid signature"),
        Arguments.of("expired", (Function<TestIssuer, String>) i -> i.token().iat(now.minus(Duration.ofHours(1)))
            .exp(now.minus(Duration.ofMinutes(5))).sign(), "token expired"),
        Arguments.of("future nbf", (Function<TestIssuer, String>) i -> i.token().nbf(now.plus(Duration.ofMinutes(5))).sign(),
            "token not yet valid"),
        Arguments.of("wrong iss", (Function<TestIssuer, String>) i -> i.token().iss("https://evil.test").sign(), "untrusted issuer"),
        Arguments.of("wrong aud", (Function<TestIssuer, String>) i -> i.token().aud("someone-else").sign(), "invalid audience"),
        Arguments.of("missing exp", (Function<TestIssuer, String>) i -> i.token().exp(null).sign(), "missing required claim"),
        Arguments.of("crit header", (Function<TestIssuer, String>) i -> i.token().crit("x-must", true).sign(), "unsupported token header"),
        Arguments.of("embedded jwk", (Function<TestIssuer, String>) i -> i.token().signWith(otherRsa).embeddedJwk(otherRsa).sign(),
            "unsupported token header"),
        Arguments.of("oversized", (Function<TestIssuer, String>) i -> i.token().claim("pad", "x".repeat(9000)).sign(), "token too large"));
    return cases.stream();
  }

  /** The classic key-confusion forgery: HMAC keyed with the issuer's public RSA key bytes. */
  private static MACSigner hmacWithPublicKey(TestIssuer issuer) {
    try {
      return new MACSigner(issuer.rsaKey().toRSAPublicKey().getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void badTokenIsUnauthenticated(String name, Function<TestIssuer, String> mint, String description) {
    String token = mint.apply(gateway.issuer());
    assertRefused(Status.Code.UNAUTHENTICATED, description, token, callWithHeaders("Bearer " + token));
  }

  @Test
  void missingHeaderIsUnauthenticated() {
    var stub = GreeterGrpc.newBlockingStub(gateway.channel());
    assertRefused(Status.Code.UNAUTHENTICATED, "missing bearer token", null,
        assertThrows(StatusRuntimeException.class, () -> stub.sayHello(ALICE)));
  }

  @Test
  void twoAuthorizationHeadersAreUnauthenticated() {
    String good = gateway.token("greet");
    assertRefused(Status.Code.UNAUTHENTICATED, "malformed authorization header", good,
        callWithHeaders("Bearer " + good, "Bearer " + good));
  }

  @Test
  void wrongSchemeIsUnauthenticated() {
    assertRefused(Status.Code.UNAUTHENTICATED, "unsupported authorization scheme", null, callWithHeaders("Basic YWxpY2U6cHc="));
  }

  @Test
  void validTokenWithoutTheScopeIsPermissionDenied() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> gateway.blockingStub(gateway.token("read")).sayHello(ALICE));
    assertRefused(Status.Code.PERMISSION_DENIED, "missing scope: greet", null, e);
  }

  @Test
  void validTokenWithTheScopeIsServed() {
    assertEquals("Hello, Alice!", gateway.blockingStub(gateway.token("read", "greet")).sayHello(ALICE).getMessage());
  }

  @Test
  void lowercaseBearerSchemeIsAccepted() {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "bearer " + gateway.token("greet"));
    var stub = GreeterGrpc.newBlockingStub(gateway.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    assertEquals("Hello, Alice!", stub.sayHello(ALICE).getMessage());
  }

  @Test
  void publicHealthMethodNeedsNoToken() {
    var health = HealthGrpc.newBlockingStub(gateway.channel());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING,
        health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
  }

  @Test
  void badTokenOnAPublicMethodIsStillRefused() {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer not-a-jwt");
    var health = HealthGrpc.newBlockingStub(gateway.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> health.check(HealthCheckRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
  }

  @Test
  void tokenForAnotherAudienceOfTheSameIssuerIsRefusedEvenWithTheScope() {
    TestToken t = gateway.issuer().token().aud("other-api").scopes("greet");
    String token = t.sign();
    assertRefused(Status.Code.UNAUTHENTICATED, "invalid audience", token, callWithHeaders("Bearer " + token));
  }
}
