package dev.grpcedge.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends a streaming call when its token expires: at {@code exp} plus the clock skew the call is closed with
 * UNAUTHENTICATED "token expired" and its {@link Context} is cancelled, so the service stops working for it.
 * Gateways that check a token only when a call starts let a stream outlive its token. One shared scheduler holds
 * the timers; each is cancelled when its call ends. Unary calls, public methods and methods whose rule sets
 * {@code end_streams_at_expiry: false} are left alone.
 */
public final class StreamExpiryInterceptor implements ServerInterceptor {
  static final Status EXPIRED = Status.UNAUTHENTICATED.withDescription("token expired");

  private final MethodPolicy policy;
  private final Duration skew;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;

  public StreamExpiryInterceptor(MethodPolicy policy, Duration skew, ScheduledExecutorService scheduler, Clock clock) {
    this.policy = policy;
    this.skew = skew;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Principal principal = AuthContext.current();
    MethodPolicy.Requirement requirement = policy.requirementFor(call.getMethodDescriptor().getFullMethodName());
    // A public method could have been called with no token at all, so its token's expiry does not end it.
    if (principal == null || call.getMethodDescriptor().getType() == MethodType.UNARY || requirement.isPublic()
        || !requirement.endStreamsAtExpiry()) {
      return next.startCall(call, headers);
    }
    ExpiringCall<ReqT, RespT> expiring = new ExpiringCall<>(call);
    Context.CancellableContext context = Context.current().withCancellation();
    long delayMillis = Math.max(0, Duration.between(clock.instant(), principal.expiresAt().plus(skew)).toMillis());
    Future<?> timer = scheduler.schedule(() -> {
      if (expiring.closeExpired()) {
        context.cancel(EXPIRED.asRuntimeException());
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
    ServerCall.Listener<ReqT> listener = Contexts.interceptCall(context, expiring, headers, next);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        timer.cancel(false);
        super.onComplete();
      }

      @Override
      public void onCancel() {
        timer.cancel(false);
        super.onCancel();
      }
    };
  }
}
