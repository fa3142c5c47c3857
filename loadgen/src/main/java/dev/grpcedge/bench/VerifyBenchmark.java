package dev.grpcedge.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.grpcedge.auth.AuthException;
import dev.grpcedge.auth.JwtVerifier;
import dev.grpcedge.auth.Principal;
import dev.grpcedge.config.AuthConfig;
import dev.grpcedge.config.IssuerConfig;
import dev.grpcedge.config.TokenCacheConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * JMH benchmark: uncached token verifications through the gateway's own {@link JwtVerifier} (signature and every
 * claim check), per signing algorithm. Every token is distinct and the token cache is off, so each verification
 * costs what a token's first sight does. Run it with {@code grpc-edge bench verify}.
 */
@State(Scope.Benchmark)
public class VerifyBenchmark {
  private static final String ISSUER = "https://bench.invalid";
  private static final String AUDIENCE = "grpc-edge";
  /** Distinct tokens per algorithm; a power of two, so the cursor wraps with a mask. */
  private static final int TOKENS = 512;

  /** The signing algorithms measured, each with a freshly generated key. */
  public enum Algorithm {
    /** RSA-2048, PKCS#1 v1.5. */
    RS256,
    /** ECDSA on P-256. */
    ES256,
    /** Ed25519. */
    EdDSA
  }

  /** The algorithm of this run; JMH runs every one unless told otherwise. */
  @Param
  public Algorithm algorithm;

  private JwtVerifier verifier;
  private String[] tokens;

  /** Generates a key, mints the tokens with it and builds a verifier that trusts it. */
  @Setup
  public void setUp() throws JOSEException {
    JWK key = switch (algorithm) {
      case RS256 -> new RSAKeyGenerator(2048).keyID("bench").generate();
      case ES256 -> new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
      case EdDSA -> ed25519Key();
    };
    Instant now = Instant.now();
    tokens = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("user-" + i)
          .claim("scope", "greet").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
          .jwtID("bench-" + i).build();
      tokens[i] = sign(JWSAlgorithm.parse(algorithm.name()), key, claims);
    }
    AuthConfig config = new AuthConfig(
        List.of(new IssuerConfig(ISSUER, Path.of("bench.jwks.json"), Set.of(AUDIENCE))), List.of(),
        Duration.ofSeconds(60), 8192, new TokenCacheConfig(false, 1));
    verifier = JwtVerifier.create(config, Map.of(ISSUER, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()))),
        Clock.systemUTC());
  }

  /** Where each benchmark thread is in the token list; threads start half a list apart. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    /** Spreads the threads over the list. */
    @Setup
    public void setUp(ThreadParams thread) {
      next = thread.getThreadIndex() * (TOKENS / 2);
    }
  }

  /** One verification of a token the verifier has not cached. */
  @Benchmark
  public Principal verify(Cursor cursor) throws AuthException {
    return verifier.verify(tokens[cursor.next++ & (TOKENS - 1)]);
  }

  /** nimbus makes and signs with Ed25519 keys only through Tink, which the gateway does not ship. */
  private static OctetKeyPair ed25519Key() {
    byte[] d = new byte[Ed25519.SECRET_KEY_SIZE];
    byte[] x = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePrivateKey(new SecureRandom(), d);
    Ed25519.generatePublicKey(d, 0, x, 0);
    return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(d)).keyID("bench").build();
  }

  private static String sign(JWSAlgorithm alg, JWK key, JWTClaimsSet claims) throws JOSEException {
    JWSHeader header = new JWSHeader.Builder(alg).keyID("bench").type(JOSEObjectType.JWT).build();
    if (key instanceof OctetKeyPair okp) {
      String input = header.toBase64URL() + "." + claims.toPayload().toBase64URL();
      byte[] message = input.getBytes(StandardCharsets.US_ASCII);
      byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
      Ed25519.sign(okp.getDecodedD(), 0, okp.getDecodedX(), 0, message, 0, message.length, signature, 0);
      return input + "." + Base64URL.encode(signature);
    }
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
    return jwt.serialize();
  }
}
