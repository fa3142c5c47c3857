package dev.grpcedge.client;

import io.grpc.CallCredentials;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * Wraps {@link CallCredentials} so that they are applied only on a channel with privacy and integrity (TLS).
 *
 * <p>grpc-auth refuses plaintext only for {@code GoogleCredentials}; a plain {@code OAuth2Credentials} (a fixed
 * bearer token, client credentials) would be sent in the clear. This closes that gap for every token source.
 */
final class TlsOnlyCallCredentials extends CallCredentials {
  static final String REFUSAL =
      "bearer credentials need a TLS channel; the token was not sent over a channel with security level ";

  private final CallCredentials delegate;

  TlsOnlyCallCredentials(CallCredentials delegate) {
    this.delegate = delegate;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor appExecutor, MetadataApplier applier) {
    SecurityLevel level = info.getSecurityLevel();
    if (level != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      // Checked before the delegate runs, so a token source is not even asked for a token (no token request).
      applier.fail(Status.UNAUTHENTICATED.withDescription(REFUSAL + level));
      return;
    }
    delegate.applyRequestMetadata(info, appExecutor, applier);
  }
}
