package dev.grpcedge.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the caller's bearer token and puts the {@link Principal} in the call's {@link Context} under
 * {@link AuthContext#PRINCIPAL}. A public method may be called without a token, but a token that is sent must
 * be valid. A verified token's {@code authorization} header is removed before the service sees the headers.
 */
public final class AuthenticationInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AuthenticationInterceptor.class);

  private final JwtVerifier verifier;
  private final MethodPolicy policy;
  private final int maxTokenBytes;

  public AuthenticationInterceptor(JwtVerifier verifier, MethodPolicy policy, int maxTokenBytes) {
    this.verifier = verifier;
    this.policy = policy;
    this.maxTokenBytes = maxTokenBytes;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (policy.requirementFor(method).isPublic() && !BearerTokens.present(headers)) {
      return next.startCall(call, headers);
    }
    LastToken last = LastToken.of(call);
    // The connection's last token is recognized once per call, by the executor choice, which leaves its verdict.
    Principal principal = last == null ? null : last.take(headers);
    try {
      if (principal == null) {
        principal = verifier.verify(BearerTokens.extract(headers, maxTokenBytes), last);
      }
    } catch (AuthException e) {
      log.debug("rejected {}: {} {}", method, e.status().getCode(), e.status().getDescription());
      // Fresh trailers: the request headers hold the token and must not be echoed back.
      call.close(e.status(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    // The service gets the principal, not the token: it must not be able to log or forward the caller's credential
    // (as Envoy's jwt_authn drops a verified JWT unless told to forward it).
    headers.discardAll(BearerTokens.AUTHORIZATION);
    Context context = Context.current().withValue(AuthContext.PRINCIPAL, principal);
    return Contexts.interceptCall(context, call, headers, next);
  }
}
