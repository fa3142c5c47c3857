package dev.grpcedge.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.Set;

/**
 * Checks the claims of one issuer's signature-verified token: {@code iss}, {@code aud}, {@code exp},
 * {@code nbf}, {@code iat} and {@code sub}. Time comes from an injected {@link Clock}, where nimbus's
 * {@code DefaultJWTClaimsVerifier} reads the system time and gives no reason a caller can be told.
 */
final class IssuerClaimsVerifier implements JWTClaimsSetVerifier<SecurityContext> {
  private final String issuer;
  private final Set<String> audiences;
  private final Duration skew;
  private final Clock clock;

  IssuerClaimsVerifier(String issuer, Set<String> audiences, Duration skew, Clock clock) {
    if (skew.isNegative()) {
      throw new IllegalArgumentException("clock skew must not be negative: " + skew);
    }
    this.issuer = issuer;
    this.audiences = Set.copyOf(audiences);
    this.skew = skew;
    this.clock = clock;
  }

  @Override
  public void verify(JWTClaimsSet claims, SecurityContext context) throws RejectedClaimException {
    // exp is required: a signature alone accepts a replayed token forever.
    Date exp = claims.getExpirationTime();
    String sub = claims.getSubject();
    if (exp == null || sub == null || sub.isBlank() || claims.getAudience().isEmpty()) {
      throw new RejectedClaimException("missing required claim");
    }
    if (!issuer.equals(claims.getIssuer())) {
      throw new RejectedClaimException("untrusted issuer");
    }
    if (Collections.disjoint(audiences, claims.getAudience())) {
      throw new RejectedClaimException("invalid audience");
    }
    Instant now = clock.instant();
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      throw new RejectedClaimException("token expired");
    }
    Instant latestStart = now.plus(skew);
    if (isAfter(claims.getNotBeforeTime(), latestStart) || isAfter(claims.getIssueTime(), latestStart)) {
      throw new RejectedClaimException("token not yet valid");
    }
  }

  private static boolean isAfter(Date time, Instant limit) {
    return time != null && time.toInstant().isAfter(limit);
  }

  /** A claim check failed; the message is the reason to give the caller. */
  static final class RejectedClaimException extends BadJWTException {
    private static final long serialVersionUID = 1L;

    RejectedClaimException(String reason) {
      super(reason);
    }
  }
}
