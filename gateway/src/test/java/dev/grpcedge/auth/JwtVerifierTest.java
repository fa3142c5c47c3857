package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.EncryptedJWT;
import dev.grpcedge.config.AuthConfig;
import io.grpc.Status;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Duration SKEW = Duration.ofSeconds(60);

  private static TestIssuer issuerA;
  private static TestIssuer issuerB;
  private static JwtVerifier verifier;

  @BeforeAll
  static void setUp(@TempDir Path dir) {
    issuerA = TestIssuer.create("https://a.example", "grpc-edge", CLOCK);
    issuerB = TestIssuer.create("https://b.example", "other-api", CLOCK);
    Path jwksA = issuerA.writeJwks(dir.resolve("a.jwks.json"));
    Path jwksB = issuerB.writeJwks(dir.resolve("b.jwks.json"));
    AuthConfig config = new AuthConfig(
        List.of(issuerA.config(jwksA), issuerB.config(jwksB)), List.of(), SKEW, 8192);
    verifier = JwtVerifier.create(config,
        Map.of(issuerA.issuer(), KeySources.fromFile(jwksA), issuerB.issuer(), KeySources.fromFile(jwksB)),
        CLOCK);
  }

  @Test
  void rs256TokenYieldsPrincipalFromItsClaims() throws AuthException {
    String token = issuerA.token().claim("client_id", "cli-7").claim("azp", "ignored").sign();

    Principal principal = verifier.verify(token);

    assertEquals("alice", principal.subject());
    assertEquals(Set.of("greet"), principal.scopes());
    assertEquals("https://a.example", principal.issuer());
    assertEquals(NOW.plus(Duration.ofMinutes(5)), principal.expiresAt());
    assertEquals("cli-7", principal.clientId());
  }

  @Test
  void ps256TokenIsAccepted() throws AuthException {
    assertEquals("alice", verifier.verify(issuerA.token().alg(JWSAlgorithm.PS256).sign()).subject());
  }

  @Test
  void es256TokenIsAccepted() throws AuthException {
    assertEquals("alice", verifier.verify(issuerA.token().alg(JWSAlgorithm.ES256).sign()).subject());
  }

  @Test
  void edDsaTokenIsAccepted() throws AuthException {
    assertEquals("alice", verifier.verify(issuerA.token().alg(JWSAlgorithm.EdDSA).sign()).subject());
  }

  @Test
  void scpArrayAndAzpFillPrincipalWhenScopeAndClientIdAreAbsent() throws AuthException {
    String token = issuerA.token().scopes().claim("scp", List.of("greet", "admin")).claim("azp", "web").sign();

    Principal principal = verifier.verify(token);

    assertEquals(Set.of("greet", "admin"), principal.scopes());
    assertEquals("web", principal.clientId());
  }

  @Test
  void spaceSeparatedScopeClaimGivesEachScope() throws AuthException {
    Principal principal = verifier.verify(issuerA.token().scopes("greet", "admin").sign());

    assertEquals(Set.of("greet", "admin"), principal.scopes());
    assertNull(principal.clientId());
  }

  @Test
  void accessTokenTypAnyCaseIsAccepted() throws AuthException {
    verifier.verify(issuerA.token().typ("AT+JWT").sign());
    verifier.verify(issuerA.token().typ(null).sign());
  }

  @Test
  void unsecuredTokenIsRejected() {
    assertRejected(issuerA.token().unsecured(), "unsupported token algorithm");
  }

  @Test
  void hs256SignedWithThePublicKeyBytesIsRejected() throws JOSEException {
    byte[] publicKeyBytes = issuerA.rsaKey().toRSAPublicKey().getEncoded();
    String token = issuerA.token().alg(JWSAlgorithm.HS256).kid(TestIssuer.RSA_KID)
        .signWith(new MACSigner(publicKeyBytes)).sign();

    assertRejected(token, "unsupported token algorithm");
  }

  @Test
  void encryptedTokenIsRejected() throws JOSEException {
    EncryptedJWT jwe = new EncryptedJWT(
        new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM), issuerA.token().claimsSet());
    jwe.encrypt(new RSAEncrypter(issuerA.rsaKey().toRSAPublicKey()));

    assertRejected(jwe.serialize(), "unsupported token algorithm");
  }

  @Test
  void unknownKidIsRejected() {
    assertRejected(issuerA.token().kid("rotated-away").sign(), "unknown signing key");
  }

  @Test
  void rightKidWithWrongKeyIsRejectedAsBadSignature() throws JOSEException {
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(TestIssuer.RSA_KID).generate();

    assertRejected(issuerA.token().signWith(impostor).sign(), "invalid signature");
  }

  @Test
  void keyOfAnotherTypeThanTheAlgorithmIsNotUsed() {
    // ES256 header naming the RSA key: the selector must not offer an RSA key for an EC algorithm.
    String token = issuerA.token().alg(JWSAlgorithm.ES256).kid(TestIssuer.RSA_KID).sign();

    assertRejected(token, "unknown signing key");
  }

  @Test
  void expiredTokenIsRejected() {
    assertRejected(issuerA.token().exp(NOW.minus(SKEW).minusSeconds(1)).sign(), "token expired");
  }

  @Test
  void tokenExpiredWithinClockSkewIsAccepted() throws AuthException {
    verifier.verify(issuerA.token().iat(NOW.minusSeconds(600)).exp(NOW.minusSeconds(30)).sign());
  }

  @Test
  void tokenBeforeItsNotBeforeTimeIsRejected() {
    assertRejected(issuerA.token().nbf(NOW.plus(SKEW).plusSeconds(1)).sign(), "token not yet valid");
  }

  @Test
  void notBeforeWithinClockSkewIsAccepted() throws AuthException {
    verifier.verify(issuerA.token().nbf(NOW.plusSeconds(30)).sign());
  }

  @Test
  void tokenIssuedInTheFutureIsRejected() {
    assertRejected(issuerA.token().iat(NOW.plus(SKEW).plusSeconds(1)).sign(), "token not yet valid");
  }

  @Test
  void untrustedIssuerIsRejected() {
    assertRejected(issuerA.token().iss("https://evil.example").sign(), "untrusted issuer");
  }

  @Test
  void wrongAudienceIsRejected() {
    assertRejected(issuerA.token().aud("someone-else").sign(), "invalid audience");
  }

  @Test
  void audienceArrayHoldingAConfiguredAudienceIsAccepted() throws AuthException {
    verifier.verify(issuerA.token().aud("someone-else", "grpc-edge").sign());
  }

  @Test
  void audienceOfAnotherTrustedIssuerIsRejected() {
    assertRejected(issuerA.token().aud("other-api").sign(), "invalid audience");
  }

  @Test
  void tokenWithoutExpIsRejected() {
    assertRejected(issuerA.token().exp(null).sign(), "missing required claim");
  }

  @Test
  void tokenWithoutSubIsRejected() {
    assertRejected(issuerA.token().sub(null).sign(), "missing required claim");
  }

  @Test
  void tokenWithoutAudIsRejected() {
    assertRejected(issuerA.token().claim("aud", null).sign(), "missing required claim");
  }

  @Test
  void critHeaderIsRejected() {
    assertRejected(issuerA.token().crit("https://example.com/ext", "x").sign(), "unsupported token header");
  }

  @Test
  void embeddedJwkHeaderIsRejected() {
    assertRejected(issuerA.token().embeddedJwk(issuerA.rsaKey()).sign(), "unsupported token header");
  }

  @Test
  void jkuHeaderIsRejected() {
    assertRejected(issuerA.token().jku(URI.create("https://evil.example/jwks")).sign(), "unsupported token header");
  }

  @Test
  void x5uHeaderIsRejected() {
    assertRejected(issuerA.token().x5u(URI.create("https://evil.example/cert")).sign(), "unsupported token header");
  }

  @Test
  void otherTypIsRejected() {
    assertRejected(issuerA.token().typ("secevent+jwt").sign(), "unsupported token header");
  }

  @Test
  void garbageIsRejectedAsMalformed() {
    assertRejected("not-a-jwt", "malformed token");
    assertRejected("e30.e30.e30", "malformed token");
  }

  @Test
  void nonStringScopeIsRejectedAsMalformed() {
    assertRejected(issuerA.token().claim("scope", List.of(1, 2)).sign(), "malformed token");
  }

  @Test
  void eachIssuerVerifiesWithItsOwnKeysAndAudiences() throws AuthException {
    assertEquals("https://b.example", verifier.verify(issuerB.token().sign()).issuer());

    String claimsAWithKeyB = issuerA.token().signWith(issuerB.rsaKey()).sign();
    assertRejected(claimsAWithKeyB, "invalid signature");
  }

  @Test
  void unreachableKeySourceIsUnavailable() {
    AuthConfig config = new AuthConfig(List.of(issuerA.config(Path.of("unused"))), List.of(), SKEW, 8192);
    JwtVerifier offline = JwtVerifier.create(config, Map.of(issuerA.issuer(), (selector, context) -> {
      throw new KeySourceException("connection refused");
    }), CLOCK);

    AuthException e = assertThrows(AuthException.class, () -> offline.verify(issuerA.token().sign()));

    assertEquals(Status.Code.UNAVAILABLE, e.status().getCode());
    assertEquals("identity provider unavailable", e.status().getDescription());
  }

  @Test
  void createReadsEachIssuersJwksFile(@TempDir Path dir) throws AuthException {
    TestIssuer live = TestIssuer.create("https://live.example", "grpc-edge");
    AuthConfig config = new AuthConfig(
        List.of(live.config(live.writeJwks(dir.resolve("jwks.json")))), List.of(), SKEW, 8192);

    assertEquals("alice", JwtVerifier.create(config).verify(live.token().sign()).subject());
  }

  private static void assertRejected(String token, String reason) {
    AuthException e = assertThrows(AuthException.class, () -> verifier.verify(token));
    assertEquals(Status.Code.UNAUTHENTICATED, e.status().getCode());
    assertEquals(reason, e.status().getDescription());
    for (String part : token.split("\\.")) {
      if (part.length() > 3) {
        assertFalse(e.getMessage().contains(part), "the reason must not quote the token");
      }
    }
  }
}
