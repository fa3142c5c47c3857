package dev.grpcedge.auth;

import static dev.grpcedge.auth.AuthException.unauthenticated;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** Parses a compact JWT and refuses, before any key is looked up, every header the gateway does not accept. */
final class TokenHeaders {
  /** Asymmetric algorithms only: with HMAC, a public key would become a signing secret. */
  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);

  /** Absent, {@code JWT}, or {@code at+jwt} (RFC 9068); {@link JOSEObjectType} compares ignoring case. */
  static final Set<JOSEObjectType> TYPES = typesWithAbsent();

  private TokenHeaders() {}

  /** Parses {@code token} as a JWS whose header passes every check; the signature is not checked here. */
  static SignedJWT parse(String token) throws AuthException {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw unauthenticated("malformed token", e);
    }
    // Rejects alg "none" (PlainJWT) and encrypted tokens (EncryptedJWT) alike.
    if (!(jwt instanceof SignedJWT signed)) {
      throw unauthenticated("unsupported token algorithm");
    }
    check(signed.getHeader());
    return signed;
  }

  private static void check(JWSHeader header) throws AuthException {
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      throw unauthenticated("unsupported token algorithm");
    }
    if (!TYPES.contains(header.getType())) {
      throw unauthenticated("unsupported token header");
    }
    // Keys come only from the issuer's configured source, never from the token: an embedded or linked key
    // would let the token vouch for itself.
    if (header.getJWK() != null || header.getJWKURL() != null
        || header.getX509CertURL() != null || header.getX509CertChain() != null) {
      throw unauthenticated("unsupported token header");
    }
    // No extension is understood, so any "crit" must fail (RFC 7515 4.1.11). nimbus leaves crit to each
    // verifier; checking here makes the rule visible and independent of the verifier in use.
    if (header.getCriticalParams() != null) {
      throw unauthenticated("unsupported token header");
    }
  }

  private static Set<JOSEObjectType> typesWithAbsent() {
    Set<JOSEObjectType> types = new HashSet<>();
    types.add(null);
    types.add(JOSEObjectType.JWT);
    types.add(new JOSEObjectType("at+jwt"));
    return Collections.unmodifiableSet(types);
  }
}
