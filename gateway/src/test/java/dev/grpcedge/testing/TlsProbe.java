package dev.grpcedge.testing;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Opens a NEW TLS connection, makes one SayHello over it and returns the serial (hex) of the certificate the
 * server presented on that very connection.
 */
public final class TlsProbe {
  private static final HelloRequest ALICE = HelloRequest.newBuilder().setName("Alice").build();

  private TlsProbe() {}

  public static String callAndSerial(String target, Path ca, String token) {
    return callAndSerial(target, ca, null, null, token);
  }

  /** As above, presenting the client certificate {@code cert}/{@code key} when they are not null. */
  public static String callAndSerial(String target, Path ca, Path cert, Path key, String token) {
    ManagedChannel channel = Channels.tls(target, ca, cert, key);
    try {
      AtomicReference<SSLSession> session = new AtomicReference<>();
      Channel recording = ClientInterceptors.intercept(channel, new ClientInterceptor() {
        @Override
        public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
            MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
          return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<RespT> listener, Metadata headers) {
              ClientCall<ReqT, RespT> call = this;
              super.start(new SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata h) {
                  session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                  super.onHeaders(h);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                  session.compareAndSet(null, call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                  super.onClose(status, trailers);
                }
              }, headers);
            }
          };
        }
      });
      GreeterGrpc.newBlockingStub(recording).withCallCredentials(BearerCredentials.of(token))
          .withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(ALICE);
      return ((X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber().toString(16);
    } catch (SSLPeerUnverifiedException e) {
      throw new AssertionError("no server certificate on the connection", e);
    } finally {
      channel.shutdownNow();
    }
  }
}
