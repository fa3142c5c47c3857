package dev.grpcedge.client;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.OAuth2Credentials;
import io.grpc.CallCredentials;
import io.grpc.auth.MoreCallCredentials;

/**
 * {@link CallCredentials} that attach {@code authorization: Bearer TOKEN} to every call. Built on grpc-auth over
 * google-auth-library credentials, which refuse to send the token on a channel without privacy and integrity
 * (plaintext), so a token cannot leak to a misconfigured target.
 */
public final class BearerCredentials {
  private BearerCredentials() {}

  /** Credentials for a fixed token, such as one minted by {@code grpc-edge token}. */
  public static CallCredentials of(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token is empty");
    }
    return MoreCallCredentials.from(OAuth2Credentials.create(new AccessToken(token.trim(), null)));
  }
}
