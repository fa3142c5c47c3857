package dev.grpcedge.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * The load generator's bearer token: one prebuilt {@code authorization} header merged into each call's headers. It
 * is installed only on the generator's TLS channels. Real clients attach {@code CallCredentials}; a profile of the
 * generator put grpc-java's credentials path (a metadata applier and a merge of its headers per call) at 0.3 µs a
 * call, which on a generator held to one core came off the side that sends a token. This adds only the
 * header, which the client still validates and HPACK-encodes like any other.
 */
final class BearerHeader implements ClientInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Metadata header = new Metadata();

  BearerHeader(String token) {
    header.put(AUTHORIZATION, "Bearer " + token);
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<RespT> responseListener, Metadata headers) {
        headers.merge(header);
        super.start(responseListener, headers);
      }
    };
  }
}
