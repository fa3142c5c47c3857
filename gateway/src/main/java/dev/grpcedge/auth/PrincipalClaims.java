package dev.grpcedge.auth;

import static dev.grpcedge.auth.AuthException.unauthenticated;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** Turns verified claims into a {@link Principal}. */
final class PrincipalClaims {
  private PrincipalClaims() {}

  static Principal toPrincipal(JWTClaimsSet claims) throws AuthException {
    try {
      String clientId = claims.getStringClaim("client_id");
      if (clientId == null) {
        clientId = claims.getStringClaim("azp");
      }
      return new Principal(claims.getSubject(), scopes(claims), claims.getIssuer(),
          claims.getExpirationTime().toInstant(), clientId);
    } catch (ParseException e) {
      throw unauthenticated("malformed token", e);
    }
  }

  /** {@code scope} (RFC 8693: space-separated string), else {@code scp} (string or array, as some IdPs send). */
  private static Set<String> scopes(JWTClaimsSet claims) throws ParseException {
    String scope = claims.getStringClaim("scope");
    if (scope != null) {
      return split(scope);
    }
    Object scp = claims.getClaim("scp");
    if (scp == null) {
      return Set.of();
    }
    if (scp instanceof String s) {
      return split(s);
    }
    Set<String> scopes = new LinkedHashSet<>(claims.getStringListClaim("scp"));
    scopes.remove(null);
    return scopes;
  }

  private static Set<String> split(String spaceSeparated) {
    Set<String> scopes = new LinkedHashSet<>(Arrays.asList(spaceSeparated.split(" ")));
    scopes.remove("");
    return scopes;
  }
}
