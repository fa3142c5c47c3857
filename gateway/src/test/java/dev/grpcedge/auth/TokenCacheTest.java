package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.grpcedge.config.AuthConfig;
import dev.grpcedge.config.IssuerConfig;
import dev.grpcedge.config.KeyCacheConfig;
import dev.grpcedge.config.TokenCacheConfig;
import dev.grpcedge.testing.MovableClock;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The validated-token cache: it saves work on repeated tokens and never changes a verdict. */
class TokenCacheTest {
  private static final String ISSUER = "https://issuer.example";
  private static final Duration SKEW = Duration.ofSeconds(60);

  /** Counts how often verification needed the issuer's keys. */
  static final class CountingKeys implements JWKSource<SecurityContext> {
    final AtomicInteger lookups = new AtomicInteger();
    final JWKSource<SecurityContext> delegate;

    CountingKeys(JWKSet keys) {
      delegate = new ImmutableJWKSet<>(keys);
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
      lookups.incrementAndGet();
      return delegate.get(selector, context);
    }
  }

  static JwtVerifier verifier(TestIssuer issuer, JWKSource<SecurityContext> keys, Clock clock,
      boolean cacheOn) {
    AuthConfig config = new AuthConfig(List.of(issuer.config(Path.of("unused"))), List.of(), SKEW, 8192,
        new TokenCacheConfig(cacheOn, 100));
    return JwtVerifier.create(config, Map.of(issuer.issuer(), keys), clock);
  }

  @Test
  void sameTokenTwiceGivesTheSamePrincipalAndIsVerifiedOnce() throws AuthException {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    CountingKeys keys = new CountingKeys(issuer.publicJwks());
    JwtVerifier verifier = verifier(issuer, keys, clock, true);
    String token = issuer.token().sign();

    Principal first = verifier.verify(token);
    Principal second = verifier.verify(token);

    assertEquals(first, second);
    assertEquals(1, keys.lookups.get(), "the second call should be answered from the cache");
  }

  @Test
  void disabledCacheVerifiesEveryTime() throws AuthException {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    CountingKeys keys = new CountingKeys(issuer.publicJwks());
    JwtVerifier verifier = verifier(issuer, keys, clock, false);
    String token = issuer.token().sign();

    verifier.verify(token);
    verifier.verify(token);

    assertEquals(2, keys.lookups.get());
  }

  @Test
  void tokenThatExpiresAfterCachingIsRefusedOnTheNextCall() throws AuthException {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    JwtVerifier verifier = verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, true);
    String token = issuer.token().exp(clock.instant().plusSeconds(30)).sign();
    verifier.verify(token);

    clock.advance(Duration.ofSeconds(30).plus(SKEW));

    AuthException e = assertThrows(AuthException.class, () -> verifier.verify(token));
    assertEquals(Status.Code.UNAUTHENTICATED, e.status().getCode());
    assertEquals("token expired", e.status().getDescription());
  }

  @Test
  void rejectionsAreNotCached() {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    CountingKeys keys = new CountingKeys(issuer.publicJwks());
    JwtVerifier verifier = verifier(issuer, keys, clock, true);
    String wrongAudience = issuer.token().aud("someone-else").sign();

    assertThrows(AuthException.class, () -> verifier.verify(wrongAudience));
    assertThrows(AuthException.class, () -> verifier.verify(wrongAudience));

    assertEquals(2, keys.lookups.get());
  }

  @Test
  void cacheIsKeyedByTheTokensDigestNeverTheToken() throws Exception {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    TokenCache cache = TokenCache.create(TokenCacheConfig.DEFAULTS, SKEW, clock);
    String token = issuer.token().sign();

    cache.put(TokenCache.keyOf(token), new Principal("alice", Set.of(), ISSUER, clock.instant().plusSeconds(60), null), 0);

    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    assertEquals(Set.of(expected), cache.keys());
    for (String part : token.split("\\.")) {
      assertFalse(cache.keys().iterator().next().contains(part), "the cache key holds part of the token");
    }
  }

  private static final KeyCacheConfig FAST_REFETCH = new KeyCacheConfig(Duration.ofSeconds(30), Duration.ofSeconds(1),
      Duration.ofMillis(1), Duration.ofMillis(500), 64 * 1024, Duration.ofHours(1));

  /** A verifier whose only issuer is {@code idp}, with its keys from {@code keys} and the cache on. */
  private static JwtVerifier remoteVerifier(JwksServer idp, RemoteKeySource keys) {
    AuthConfig config = new AuthConfig(
        List.of(new IssuerConfig(idp.issuer(), null, idp.jwksUrl(), false, Set.of("grpc-edge"), FAST_REFETCH)),
        List.of(), SKEW, 8192);
    return JwtVerifier.create(config, Map.of(idp.issuer(), keys), Clock.systemUTC());
  }

  /** The provider drops its key for a new one; a token with the new kid makes the verifier refetch and see it. */
  private static void rotateKeys(JwksServer idp, TestIssuer issuer, JwtVerifier verifier) throws Exception {
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    idp.serve(new JWKSet(List.<JWK>of(rotated)));
    Thread.sleep(5); // past min_refetch_interval
    verifier.verify(issuer.token().iss(idp.issuer()).signWith(rotated).sign());
  }

  @Test
  void changedKeySetEmptiesTheIssuersEntriesAndTokensOfARemovedKeyAreRefused() throws Exception {
    TestIssuer issuer = TestIssuer.create("placeholder", "grpc-edge");
    try (JwksServer idp = JwksServer.start("/idp").serve(issuer.publicJwks());
        RemoteKeySource keys = KeySources.fromUrl(idp.issuer(), idp.jwksUrl(), FAST_REFETCH)) {
      JwtVerifier verifier = remoteVerifier(idp, keys);
      String oldKeyToken = issuer.token().iss(idp.issuer()).sign();
      verifier.verify(oldKeyToken); // now cached

      rotateKeys(idp, issuer, verifier);

      AuthException e = assertThrows(AuthException.class, () -> verifier.verify(oldKeyToken));
      assertEquals("unknown signing key", e.status().getDescription());
      assertTrue(idp.jwksFetches() >= 2);
    }
  }

  @Test
  void connectionRemembersItsLastVerifiedTokenOnlyAndAFailedTokenReplacesNothing() throws AuthException {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    CountingKeys keys = new CountingKeys(issuer.publicJwks());
    JwtVerifier verifier = verifier(issuer, keys, clock, true);
    LastToken connection = new LastToken();
    String alice = issuer.token().sub("alice").sign();
    String bob = issuer.token().sub("bob").sign();

    assertEquals("alice", verifier.verify(alice, connection).subject());
    assertEquals("alice", verifier.lastVerified(raw("Bearer " + alice), connection).subject());
    assertEquals("bob", verifier.verify(bob, connection).subject());
    assertNull(verifier.lastVerified(raw("Bearer " + alice), connection), "bob's token replaced alice's");
    AuthException e = assertThrows(AuthException.class,
        () -> verifier.verify(alice.substring(0, alice.length() - 2) + "AA", connection));

    assertEquals("invalid signature", e.status().getDescription());
    assertEquals("bob", verifier.lastVerified(raw("Bearer " + bob), connection).subject());
    assertEquals(3, keys.lookups.get(), "alice, bob and the forged token each needed keys once");
  }

  @Test
  void connectionsLastVerifiedHeaderIsKnownOnlyWhenItIsExactlyBearerAndThatToken() throws AuthException {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    JwtVerifier verifier = verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, true);
    LastToken connection = new LastToken();
    String token = issuer.token().sub("alice").sign();
    assertNull(verifier.lastVerified(raw("Bearer " + token), connection), "nothing verified yet");

    verifier.verify(token, connection);

    assertEquals("alice", verifier.lastVerified(raw("Bearer " + token), connection).subject());
    assertNull(verifier.lastVerified(raw("bearer " + token), connection), "another spelling: left to the full check");
    assertNull(verifier.lastVerified(raw("Bearer  " + token), connection), "two spaces: left to the full check");
    assertNull(verifier.lastVerified(raw("Bearer " + token + "x"), connection));
    assertNull(verifier.lastVerified(raw("Basic " + token), connection));
    assertNull(verifier.lastVerified(null, connection), "no header, or a repeated one");
    assertNull(verifier.lastVerified(raw("Bearer " + token), new LastToken()), "another connection");
    clock.advance(Duration.ofDays(1));
    assertNull(verifier.lastVerified(raw("Bearer " + token), connection), "expired");
  }

  @Test
  void connectionsLastTokenIsRefusedOnceItExpires() throws AuthException {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    JwtVerifier verifier = verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, true);
    LastToken connection = new LastToken();
    String token = issuer.token().exp(clock.instant().plusSeconds(30)).sign();
    verifier.verify(token, connection);

    clock.advance(Duration.ofSeconds(30).plus(SKEW));

    assertNull(verifier.lastVerified(raw("Bearer " + token), connection));
    AuthException e = assertThrows(AuthException.class, () -> verifier.verify(token, connection));
    assertEquals("token expired", e.status().getDescription());
  }

  @Test
  void connectionsLastTokenIsNotUsedWhenTheCacheIsOff() throws AuthException {
    MovableClock clock = new MovableClock();
    TestIssuer issuer = TestIssuer.create(ISSUER, "grpc-edge", clock);
    CountingKeys keys = new CountingKeys(issuer.publicJwks());
    JwtVerifier verifier = verifier(issuer, keys, clock, false);
    LastToken connection = new LastToken();
    String token = issuer.token().sign();

    verifier.verify(token, connection);
    verifier.verify(token, connection);

    assertNull(verifier.lastVerified(raw("Bearer " + token), connection));
    assertEquals(2, keys.lookups.get());
  }

  @Test
  void changedKeySetVoidsTheConnectionsLastToken() throws Exception {
    TestIssuer issuer = TestIssuer.create("placeholder", "grpc-edge");
    try (JwksServer idp = JwksServer.start("/idp").serve(issuer.publicJwks());
        RemoteKeySource keys = KeySources.fromUrl(idp.issuer(), idp.jwksUrl(), FAST_REFETCH)) {
      JwtVerifier verifier = remoteVerifier(idp, keys);
      LastToken connection = new LastToken();
      String oldKeyToken = issuer.token().iss(idp.issuer()).sign();
      verifier.verify(oldKeyToken, connection);
      assertTrue(verifier.lastVerified(raw("Bearer " + oldKeyToken), connection) != null, "remembered before the change");

      rotateKeys(idp, issuer, verifier);

      assertNull(verifier.lastVerified(raw("Bearer " + oldKeyToken), connection));
      AuthException e = assertThrows(AuthException.class, () -> verifier.verify(oldKeyToken, connection));
      assertEquals("unknown signing key", e.status().getDescription());
    }
  }

  private static byte[] raw(String header) {
    return header.getBytes(StandardCharsets.US_ASCII);
  }
}
