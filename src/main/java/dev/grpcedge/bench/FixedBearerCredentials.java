package dev.grpcedge.bench;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * The load generator's bearer token: one prebuilt {@code authorization} header merged into each call, on TLS only.
 * The client library's credentials (grpc-auth over google-auth) build a service URI and look up cached metadata on
 * every call, which is right for real clients but made the one-core load generator slower with a token than
 * without, so a run with auth / a run without measured the client as well as the server.
 */
final class FixedBearerCredentials extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Metadata headers = new Metadata();

  FixedBearerCredentials(String token) {
    headers.put(AUTHORIZATION, "Bearer " + token);
  }

  @Override
  public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    if (requestInfo.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("bearer tokens are sent only over TLS"));
      return;
    }
    applier.apply(headers);
  }
}
