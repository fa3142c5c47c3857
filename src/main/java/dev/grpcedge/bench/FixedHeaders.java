package dev.grpcedge.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.Map;

/**
 * The headers the load generator adds to every call of one connection: its bearer token and any extra metadata,
 * prebuilt once and merged into each call's headers. It is installed only on the generator's TLS channels. Real
 * clients attach {@code CallCredentials}; a profile of the generator put grpc-java's credentials path (a metadata
 * applier and a merge of its headers per call) at 0.3 µs a call, which on a generator held to one core came off
 * the side that sends a token. This adds only the headers, which the client still validates and HPACK-encodes like
 * any other.
 */
final class FixedHeaders implements ClientInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Metadata headers;

  private FixedHeaders(Metadata headers) {
    this.headers = headers;
  }

  /** {@code token} (none when null) as a bearer header, and {@code metadata}; null when both are empty. */
  static FixedHeaders of(String token, Map<String, String> metadata) {
    if (token == null && metadata.isEmpty()) {
      return null;
    }
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }
    metadata.forEach((name, value) -> headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    return new FixedHeaders(headers);
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<RespT> responseListener, Metadata callHeaders) {
        callHeaders.merge(headers);
        super.start(responseListener, callHeaders);
      }
    };
  }
}
