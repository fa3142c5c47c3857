package dev.grpcedge.auth;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * A server call that the expiry timer may close from its own thread. A {@link ServerCall} is not thread-safe, so
 * the service's sends and the timer's close take turns here; once the timer has closed the call, the service's
 * later sends are dropped and it sees the call as cancelled.
 */
final class ExpiringCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
  // Guarded by this.
  private boolean closed;
  private volatile boolean expired;

  ExpiringCall(ServerCall<ReqT, RespT> delegate) {
    super(delegate);
  }

  /** Closes the call with "token expired"; false when it had already been closed. */
  synchronized boolean closeExpired() {
    if (closed) {
      return false;
    }
    closed = true;
    expired = true;
    // Fresh trailers: nothing of the request (which holds the token) goes back.
    super.close(StreamExpiryInterceptor.EXPIRED, new Metadata());
    return true;
  }

  @Override
  public synchronized void sendHeaders(Metadata headers) {
    if (!closed) {
      super.sendHeaders(headers);
    }
  }

  @Override
  public synchronized void sendMessage(RespT message) {
    if (!closed) {
      super.sendMessage(message);
    }
  }

  @Override
  public synchronized void close(Status status, Metadata trailers) {
    if (!closed) {
      closed = true;
      super.close(status, trailers);
    }
  }

  @Override
  public boolean isCancelled() {
    return expired || super.isCancelled();
  }
}
