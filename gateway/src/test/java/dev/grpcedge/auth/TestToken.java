package dev.grpcedge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mints one test token from {@link TestIssuer#token()}. Every header and claim can be changed or removed, and
 * the token can be signed with any key or signer, so each test states only what it breaks.
 */
public final class TestToken {
  private final TestIssuer issuer;
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private final Map<String, Object> customHeaders = new LinkedHashMap<>();
  private final Set<String> crit = new LinkedHashSet<>();
  private JWSAlgorithm alg = JWSAlgorithm.RS256;
  private String kid;
  private boolean kidSet;
  private String typ = "JWT";
  private JWK signingKey;
  private JWSSigner signer;
  private JWK embeddedJwk;
  private URI jku;
  private URI x5u;

  TestToken(TestIssuer issuer) {
    this.issuer = issuer;
    Instant now = issuer.clock().instant();
    claims.put("iss", issuer.issuer());
    claims.put("aud", issuer.audience());
    claims.put("sub", "alice");
    claims.put("scope", "greet");
    claims.put("iat", Date.from(now));
    claims.put("exp", Date.from(now.plus(Duration.ofMinutes(5))));
  }

  /** The header algorithm; the signing key defaults to this issuer's key of the fitting type. */
  public TestToken alg(JWSAlgorithm value) {
    alg = value;
    return this;
  }

  /** The header {@code kid}; null leaves it out. Defaults to the signing key's kid. */
  public TestToken kid(String value) {
    kid = value;
    kidSet = true;
    return this;
  }

  /** The header {@code typ}; null leaves it out. */
  public TestToken typ(String value) {
    typ = value;
    return this;
  }

  /** Adds a header parameter and lists it in {@code crit}. */
  public TestToken crit(String name, Object value) {
    crit.add(name);
    customHeaders.put(name, value);
    return this;
  }

  /** Embeds a {@code jwk} header (its public part). */
  public TestToken embeddedJwk(JWK key) {
    embeddedJwk = key.toPublicJWK();
    return this;
  }

  public TestToken jku(URI value) {
    jku = value;
    return this;
  }

  public TestToken x5u(URI value) {
    x5u = value;
    return this;
  }

  /** Signs with {@code key} (RSA, EC or OKP private JWK), whatever the header algorithm says. */
  public TestToken signWith(JWK key) {
    signingKey = key;
    return this;
  }

  /** Signs with {@code value}, e.g. a {@code MACSigner} for a forged HMAC token. */
  public TestToken signWith(JWSSigner value) {
    signer = value;
    return this;
  }

  public TestToken iss(String value) {
    return claim("iss", value);
  }

  public TestToken sub(String value) {
    return claim("sub", value);
  }

  /** The {@code scope} claim, space-separated; no arguments leaves it out. */
  public TestToken scopes(String... values) {
    return claim("scope", values.length == 0 ? null : String.join(" ", values));
  }

  /** One audience as a string, several as an array. */
  public TestToken aud(String... values) {
    return claim("aud", values.length == 1 ? values[0] : List.of(values));
  }

  public TestToken exp(Instant value) {
    return claim("exp", value == null ? null : Date.from(value));
  }

  public TestToken nbf(Instant value) {
    return claim("nbf", value == null ? null : Date.from(value));
  }

  public TestToken iat(Instant value) {
    return claim("iat", value == null ? null : Date.from(value));
  }

  /** Sets any claim; null removes it. Dates are written as seconds since the epoch. */
  public TestToken claim(String name, Object value) {
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return this;
  }

  /** The compact JWS. */
  public String sign() {
    JWK key = signingKey != null ? signingKey : defaultKey();
    JWSHeader.Builder header = new JWSHeader.Builder(alg)
        .keyID(kidSet ? kid : key.getKeyID())
        .type(typ == null ? null : new JOSEObjectType(typ))
        .jwk(embeddedJwk)
        .jwkURL(jku)
        .x509CertURL(x5u);
    customHeaders.forEach(header::customParam);
    if (!crit.isEmpty()) {
      header.criticalParams(crit);
    }
    SignedJWT jwt = new SignedJWT(header.build(), claimsSet());
    try {
      jwt.sign(signer != null ? signer : signerFor(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign test token", e);
    }
    return jwt.serialize();
  }

  /** The same claims as an unsecured JWT ({@code alg: none}). */
  public String unsecured() {
    return new PlainJWT(claimsSet()).serialize();
  }

  /** The claims as they stand, e.g. to build an encrypted JWT from. */
  public JWTClaimsSet claimsSet() {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
    claims.forEach(builder::claim);
    return builder.build();
  }

  private JWK defaultKey() {
    String name = alg.getName();
    if (name.startsWith("ES")) {
      return issuer.ecKey();
    }
    if (name.startsWith("Ed")) {
      return issuer.edKey();
    }
    return issuer.rsaKey();
  }

  private static JWSSigner signerFor(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      return new RSASSASigner(rsa);
    }
    if (key instanceof ECKey ec) {
      return new ECDSASigner(ec);
    }
    if (key instanceof OctetKeyPair okp) {
      return new Ed25519Signer(okp);
    }
    throw new IllegalArgumentException("no signer for key type " + key.getKeyType());
  }
}
