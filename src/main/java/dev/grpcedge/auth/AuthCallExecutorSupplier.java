package dev.grpcedge.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.concurrent.Executor;

/**
 * Chooses where a call runs on a server built with {@code directExecutor()}: on its connection's event loop when
 * nothing the gateway does for it can block, else on an offload executor. Inline (no thread hand-off, which is
 * about half of a small call's server CPU): a call without a token (public, or refused at once), a malformed or
 * oversized token (refused at once), and a token whose verdict is at hand (the connection's last token, or the
 * token cache). Offloaded: a token still to be verified, because verifying it may fetch the issuer's keys (up to
 * {@code keys.http_timeout}), and a blocked event loop would hold up every call of its connections. When the
 * connection's last token answers, the verdict is left ({@link LastToken#handOff}) for the call's
 * {@link AuthenticationInterceptor}, which then need not read the header again.
 */
public final class AuthCallExecutorSupplier implements ServerCallExecutorSupplier {
  private final JwtVerifier verifier;
  private final int maxTokenBytes;
  private final Executor offload;

  public AuthCallExecutorSupplier(JwtVerifier verifier, int maxTokenBytes, Executor offload) {
    this.verifier = verifier;
    this.maxTokenBytes = maxTokenBytes;
    this.offload = offload;
  }

  /** Null (the server's direct executor) for calls that cannot block, else the offload executor. */
  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
    if (!BearerTokens.present(headers)) {
      return null;
    }
    LastToken last = LastToken.of(call);
    Principal principal = verifier.lastVerified(BearerTokens.single(headers), last);
    if (principal != null) {
      last.handOff(headers, principal);
      return null;
    }
    String token;
    try {
      token = BearerTokens.extract(headers, maxTokenBytes);
    } catch (AuthException e) {
      return null;
    }
    return verifier.isCached(token) ? null : offload;
  }
}
