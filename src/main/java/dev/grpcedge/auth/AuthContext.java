package dev.grpcedge.auth;

import io.grpc.Context;

/** Where the authentication interceptor leaves the verified {@link Principal} for services and the access log. */
public final class AuthContext {
  /** The caller of the current call; null for a public method called without a token. */
  public static final Context.Key<Principal> PRINCIPAL = Context.key("grpc-edge.principal");

  private AuthContext() {}

  /** The current call's principal, or null. */
  public static Principal current() {
    return PRINCIPAL.get();
  }
}
