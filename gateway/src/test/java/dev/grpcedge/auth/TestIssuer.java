package dev.grpcedge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.grpcedge.config.AuthConfig;
import dev.grpcedge.config.IssuerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A token issuer for tests: an RSA 2048, an EC P-256 and an Ed25519 key pair generated on creation, the public
 * JWKS file a gateway reads, and {@link TestToken} for minting tokens. Nothing is written but the public keys.
 */
public final class TestIssuer {
  public static final String RSA_KID = "rsa-1";
  public static final String EC_KID = "ec-1";
  public static final String ED_KID = "ed-1";

  private final String issuer;
  private final String audience;
  private final Clock clock;
  private final RSAKey rsa;
  private final ECKey ec;
  private final OctetKeyPair ed;

  private TestIssuer(String issuer, String audience, Clock clock, RSAKey rsa, ECKey ec, OctetKeyPair ed) {
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
    this.rsa = rsa;
    this.ec = ec;
    this.ed = ed;
  }

  /** An issuer whose tokens are stamped with the system time. */
  public static TestIssuer create(String issuer, String audience) {
    return create(issuer, audience, Clock.systemUTC());
  }

  /** An issuer whose tokens are stamped with {@code clock}'s time (a fixed clock keeps tests deterministic). */
  public static TestIssuer create(String issuer, String audience, Clock clock) {
    try {
      return new TestIssuer(issuer, audience, clock,
          new RSAKeyGenerator(2048).keyID(RSA_KID).generate(),
          new ECKeyGenerator(Curve.P_256).keyID(EC_KID).generate(),
          new OctetKeyPairGenerator(Curve.Ed25519).keyID(ED_KID).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate test keys", e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public String audience() {
    return audience;
  }

  public Clock clock() {
    return clock;
  }

  public RSAKey rsaKey() {
    return rsa;
  }

  public ECKey ecKey() {
    return ec;
  }

  public OctetKeyPair edKey() {
    return ed;
  }

  /** The public halves of the three keys. */
  public JWKSet publicJwks() {
    return new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK(), ed.toPublicJWK()));
  }

  /** Writes {@link #publicJwks()} to {@code file} and returns it. */
  public Path writeJwks(Path file) {
    try {
      return Files.writeString(file, publicJwks().toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This issuer as the gateway's config names it, trusting {@link #audience()}. */
  public IssuerConfig config(Path jwksFile) {
    return new IssuerConfig(issuer, jwksFile, Set.of(audience));
  }

  /**
   * A verifier that trusts this issuer alone, from its JWKS written to {@code dir}: 60 s of clock skew, tokens of up
   * to 8 KiB, the token cache on.
   */
  public JwtVerifier verifier(Path dir) {
    Path jwks = writeJwks(dir.resolve("jwks.json"));
    return JwtVerifier.create(new AuthConfig(List.of(config(jwks)), List.of(), Duration.ofSeconds(60), 8192));
  }

  /**
   * A valid token to adjust: RS256 with {@link #RSA_KID}, typ JWT, {@code iss} and {@code aud} of this issuer,
   * {@code sub} alice, {@code scope} greet, issued now, expiring in 5 minutes.
   */
  public TestToken token() {
    return new TestToken(this);
  }
}
