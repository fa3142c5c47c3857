package dev.grpcedge.auth;

import dev.grpcedge.calls.DeferredListener;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the caller's bearer token and leaves the {@link Principal} in the call's {@link Context}, for
 * {@link AuthContext#current()}. A public method may be called without a token, but a token that is sent must
 * be valid. A verified token's {@code authorization} header is removed before the service sees the headers.
 *
 * <p>Calls arrive on their connection's event loop. A token whose verdict is at hand (the connection's last token,
 * or the token cache) and a token refused on sight are dealt with there. A token still to be verified is verified
 * on the {@code offload} executor, because that may mean fetching the issuer's keys, and a blocked event loop
 * would hold up every call of its connections; the call's events wait in a {@link DeferredListener} meanwhile.
 */
public final class AuthenticationInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AuthenticationInterceptor.class);

  private final JwtVerifier verifier;
  private final MethodPolicy policy;
  private final int maxTokenBytes;
  private final Executor offload;

  public AuthenticationInterceptor(JwtVerifier verifier, MethodPolicy policy, int maxTokenBytes, Executor offload) {
    this.verifier = verifier;
    this.policy = policy;
    this.maxTokenBytes = maxTokenBytes;
    this.offload = offload;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (policy.requirementFor(method).isPublic() && !BearerTokens.present(headers)) {
      return next.startCall(call, headers);
    }
    // The service gets the principal, not the token: it must not be able to log or forward the caller's credential
    // (as Envoy's jwt_authn drops a verified JWT unless told to forward it). Taken out here, in the one pass over
    // the headers that also reads it.
    Iterable<byte[]> authorization = BearerTokens.remove(headers);
    LastToken last = LastToken.of(call);
    Context context = Context.current();
    Principal principal = verifier.lastVerified(BearerTokens.single(authorization), last);
    if (principal != null) {
      return authenticated(context, principal, call, headers, next);
    }
    String token;
    try {
      token = BearerTokens.extract(authorization, maxTokenBytes);
      principal = verifier.cached(token, last);
    } catch (AuthException e) {
      return refuse(call, method, e.status());
    }
    if (principal != null) {
      return authenticated(context, principal, call, headers, next);
    }
    DeferredListener<ReqT> deferred = new DeferredListener<>();
    try {
      // In the call's context, as on the event loop: the service starts, and held events reach it, on this thread.
      offload.execute(context.wrap(() -> deferred.start(verified(context, token, last, call, headers, next))));
    } catch (RejectedExecutionException e) {
      // Shutting down, or as many calls as the pool holds are already waiting for their tokens to be verified.
      boolean stopping = offload instanceof ExecutorService pool && pool.isShutdown();
      return refuse(call, method,
          Status.UNAVAILABLE.withDescription(stopping ? "server shutting down" : "server busy verifying tokens"));
    }
    return deferred;
  }

  /** Verifies {@code token} (off the event loop) and starts the call, or refuses it; the listener to use. */
  private <ReqT, RespT> ServerCall.Listener<ReqT> verified(Context context, String token, LastToken last,
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    try {
      Principal principal = verifier.verify(token, last);
      if (context.isCancelled()) {
        // The caller gave up (cancelled, or its deadline passed) while it waited: do not start the service.
        return new ServerCall.Listener<>() {};
      }
      return authenticated(context, principal, call, headers, next);
    } catch (AuthException e) {
      return refuse(call, method, e.status());
    } catch (RuntimeException e) {
      log.warn("verifying a token for {} failed", method, e);
      return refuse(call, method, Status.INTERNAL.withDescription("internal error"));
    }
  }

  private static <ReqT, RespT> ServerCall.Listener<ReqT> authenticated(Context context, Principal principal,
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Context callContext = AuthContext.withPrincipal(context, principal);
    return callContext == context ? next.startCall(call, headers)
        : Contexts.interceptCall(callContext, call, headers, next);
  }

  private static <ReqT> ServerCall.Listener<ReqT> refuse(ServerCall<ReqT, ?> call, String method, Status status) {
    log.debug("rejected {}: {} {}", method, status.getCode(), status.getDescription());
    // Fresh trailers: the request headers hold the token and must not be echoed back.
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
