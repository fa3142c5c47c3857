package dev.grpcedge.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.grpcedge.auth.Principal;
import dev.grpcedge.config.IdentityConfig;
import io.grpc.Metadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.TreeSet;

/**
 * Signs the identity token a routed call carries upstream in {@value #HEADER_NAME}: the verified caller (subject,
 * scopes, the original issuer, the client certificate's subject), the upstream's name as the audience, a lifetime of
 * at most {@code identity.ttl} and never past the caller's own token. One token per caller and upstream is reused
 * until three quarters of its life have passed, so a signature is made about once a minute per active caller.
 */
public final class IdentityTokens {
  public static final String HEADER_NAME = "grpc-edge-identity";
  public static final Metadata.Key<String> HEADER = Metadata.Key.of(HEADER_NAME, Metadata.ASCII_STRING_MARSHALLER);
  /** Explicit typing (RFC 8725): an identity token cannot be mistaken for an access token, or the other way. */
  public static final JOSEObjectType TYPE = new JOSEObjectType("grpc-edge-identity+jwt");

  /** Whom a token speaks for, and to which upstream. */
  private record Caller(String issuer, String subject, Set<String> scopes, String clientId, String certSubject,
      Instant callerExpiry, String audience) {}

  /** A signed token, with the key that signed it and when to stop handing it out. */
  private record Signed(String token, String kid, Instant reuseUntil) {}

  private final SigningKeys keys;
  private final IdentityConfig config;
  private final Clock clock;
  private final Cache<Caller, Signed> cache;

  public IdentityTokens(SigningKeys keys, IdentityConfig config, Clock clock) {
    this.keys = keys;
    this.config = config;
    this.clock = clock;
    this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.ttl()).build();
  }

  /** The token for {@code principal} (null: a public method's anonymous caller) calling {@code upstream}. */
  public String tokenFor(Principal principal, String certSubject, String upstream) {
    Caller caller = principal == null
        ? new Caller(null, null, Set.of(), null, certSubject, null, upstream)
        : new Caller(principal.issuer(), principal.subject(), principal.scopes(), principal.clientId(), certSubject,
            principal.expiresAt(), upstream);
    Instant now = clock.instant();
    ECKey signer = keys.signer();
    Signed signed = cache.getIfPresent(caller);
    if (signed == null || !now.isBefore(signed.reuseUntil) || !signed.kid.equals(signer.getKeyID())) {
      signed = sign(caller, signer, now);
      cache.put(caller, signed);
    }
    return signed.token;
  }

  private Signed sign(Caller caller, ECKey signer, Instant now) {
    Instant expiry = now.plus(config.ttl());
    if (caller.callerExpiry != null && caller.callerExpiry.isBefore(expiry)) {
      // The upstream must not accept the caller for longer than the gateway would.
      expiry = caller.callerExpiry;
    }
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(config.issuer())
        .audience(caller.audience)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(expiry))
        .subject(caller.subject)
        .claim("scope", String.join(" ", new TreeSet<>(caller.scopes)));
    if (caller.issuer != null) {
      claims.claim("orig_iss", caller.issuer);
    }
    if (caller.clientId != null) {
      claims.claim("client_id", caller.clientId);
    }
    if (caller.certSubject != null) {
      claims.claim("cert_sub", caller.certSubject);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).keyID(signer.getKeyID())
        .build(), claims.build());
    try {
      jwt.sign(new ECDSASigner(signer));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an identity token: " + e.getMessage(), e);
    }
    Duration life = Duration.between(now, expiry);
    return new Signed(jwt.serialize(), signer.getKeyID(), now.plus(life.multipliedBy(3).dividedBy(4)));
  }
}
