package dev.grpcedge.auth;

import java.time.Instant;
import java.util.Set;

/**
 * The verified caller of one call, taken from a bearer JWT.
 *
 * @param subject the {@code sub} claim
 * @param scopes scopes from {@code scope} (space-separated) or {@code scp} (string or array)
 * @param issuer the {@code iss} claim
 * @param expiresAt the {@code exp} claim
 * @param clientId the {@code client_id} or {@code azp} claim, or null
 */
public record Principal(String subject, Set<String> scopes, String issuer, Instant expiresAt, String clientId) {
  public Principal {
    scopes = Set.copyOf(scopes);
  }
}
