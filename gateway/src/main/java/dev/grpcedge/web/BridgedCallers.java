package dev.grpcedge.web;

import io.grpc.Attributes;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands each bridged call the browser's attributes (its address, TLS session and client certificate, the access
 * line's connection fields, its last-token memo, the protocol and origin), so that policy and the access line see
 * the browser and not the bridge's in-process hop. The web listener {@link #register registers} them under an id
 * that travels in a header only the bridge sets (it strips the header from what browsers send); the interceptor,
 * outermost on the bridge's in-process server, takes them back and replaces the call's attributes.
 */
public final class BridgedCallers implements ServerInterceptor {
  static final Metadata.Key<String> ID = Metadata.Key.of("grpc-edge-bridge-id", Metadata.ASCII_STRING_MARSHALLER);

  private final Map<String, Attributes> pending = new ConcurrentHashMap<>();
  // Not a secret: only the bridge reaches its in-process server, and it strips this header from what browsers send.
  private final AtomicLong ids = new AtomicLong();

  /** Keeps {@code caller} for the call about to start; returns the id to send in {@link #ID}. */
  String register(Attributes caller) {
    String id = Long.toString(ids.incrementAndGet());
    pending.put(id, caller);
    return id;
  }

  /** Forgets {@code id} if its call never reached the server (it failed before it started). */
  void forget(String id) {
    pending.remove(id);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String id = headers.get(ID);
    Attributes caller = id == null ? null : pending.remove(id);
    headers.removeAll(ID);
    if (caller == null) {
      // Only the bridge reaches this server, and it always registers first: anything else is a bug, refused.
      call.close(Status.INTERNAL.withDescription("bridged call without its caller"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public Attributes getAttributes() {
        return caller;
      }
    }, headers);
  }
}
