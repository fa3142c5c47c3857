package dev.grpcedge.client;

import com.google.auth.Credentials;
import io.grpc.CallCredentials;
import io.grpc.auth.MoreCallCredentials;

/**
 * {@link CallCredentials} that attach {@code authorization: Bearer TOKEN} to every call, built with grpc-auth's
 * {@link MoreCallCredentials} over google-auth-library credentials (see {@link TokenSources}). They are applied
 * only on a TLS channel: on plaintext the call fails with {@code UNAUTHENTICATED} and the token is not sent.
 */
public final class BearerCredentials {
  private BearerCredentials() {}

  /** Credentials for a fixed token, such as one minted by {@code grpc-edge token}. */
  public static CallCredentials of(String token) {
    return from(TokenSources.fixed(token));
  }

  /** Credentials from any google-auth source: a {@link TokenSources} result or the caller's own. */
  public static CallCredentials from(Credentials source) {
    return new TlsOnlyCallCredentials(MoreCallCredentials.from(source));
  }
}
