package dev.grpcedge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.grpcedge.config.ConfigException;
import dev.grpcedge.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The development token issuer: signs RS256 access tokens with {@code certs/dev-issuer.key}, under the {@code kid}
 * its public JWKS ({@code certs/dev-issuer.jwks.json}) publishes. For local use and tests, not production.
 */
public final class DevTokenIssuer {
  private final String issuer;
  private final String keyId;
  private final RSASSASigner signer;
  private final Clock clock;

  private DevTokenIssuer(String issuer, String keyId, RSASSASigner signer, Clock clock) {
    this.issuer = issuer;
    this.keyId = keyId;
    this.signer = signer;
    this.clock = clock;
  }

  /** Loads the RSA key and finds its {@code kid} in the JWKS; fails naming the file when they do not fit. */
  public static DevTokenIssuer load(String issuer, Path keyFile, Path jwksFile, Clock clock) {
    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    if (!(key instanceof RSAPrivateCrtKey rsa)) {
      throw new ConfigException(keyFile + ": the dev issuer key must be an RSA key (RS256)");
    }
    JWKSet jwks;
    try {
      jwks = JWKSet.load(jwksFile.toFile());
    } catch (IOException | ParseException e) {
      throw new ConfigException(jwksFile + ": cannot read JWKS: " + e.getMessage());
    }
    for (JWK jwk : jwks.getKeys()) {
      if (jwk instanceof RSAKey pub && pub.getModulus().decodeToBigInteger().equals(rsa.getModulus())) {
        if (jwk.getKeyID() == null) {
          throw new ConfigException(jwksFile + ": the key has no kid");
        }
        return new DevTokenIssuer(issuer, jwk.getKeyID(), new RSASSASigner(rsa), clock);
      }
    }
    throw new ConfigException(jwksFile + ": no public key in it matches " + keyFile);
  }

  /** Mints a token for {@code subject} with the given scopes and audience, valid for {@code ttl}. */
  public String mint(String subject, List<String> scopes, String audience, Duration ttl) {
    Instant now = clock.instant();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(subject)
        .audience(audience)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .claim("scope", String.join(" ", scopes))
        .claim("client_id", "grpc-edge-dev")
        .build();
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the token: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
