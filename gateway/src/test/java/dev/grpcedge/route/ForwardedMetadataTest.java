package dev.grpcedge.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.BadRequest;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the upstream says besides its messages reaches the caller: headers, trailers, status details, compression. */
class ForwardedMetadataTest {
  private static final Metadata.Key<String> ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> COST = Metadata.Key.of("x-cost", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> requestEncodings = new CopyOnWriteArrayList<>();
  private Server upstream;

  @BeforeEach
  void startUpstream() throws Exception {
    ServerInterceptor talkative = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        requestEncodings.add(String.valueOf(headers.get(ENCODING)));
        call.setCompression("gzip");
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata h) {
            h.put(SERVED_BY, "upstream-1");
            super.sendHeaders(h);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            trailers.put(COST, "7");
            if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
              // A rich error (google.rpc.Status in grpc-status-details-bin), as services send them.
              com.google.rpc.Status details = com.google.rpc.Status.newBuilder().setCode(status.getCode().value())
                  .setMessage(status.getDescription()).addDetails(com.google.protobuf.Any.pack(BadRequest.newBuilder()
                      .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField("name")
                          .setDescription("must not be blank")).build())).build();
              Metadata rich = StatusProto.toStatusRuntimeException(details).getTrailers();
              rich.merge(trailers);
              super.close(status, rich);
              return;
            }
            super.close(status, trailers);
          }
        }, headers);
      }
    };
    upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new GreeterService(scheduler), talkative))
        .build().start();
  }

  @AfterEach
  void stop() {
    upstream.shutdownNow();
    scheduler.shutdownNow();
  }

  private TestGateway gateway() {
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    return TestGateway.in(dir).routing("""
        upstreams:
          greeters: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(port)).start();
  }

  @Test
  void headersTrailersAndCompressionComeAndGoAsSent() throws Exception {
    try (TestGateway gateway = gateway()) {
      AtomicReference<Metadata> headers = new AtomicReference<>();
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      ClientInterceptor capture = MetadataUtils.newCaptureMetadataInterceptor(headers, trailers);
      assertEquals("Hello, Z!", gateway.blockingStub(gateway.token("greet")).withCompression("gzip")
          .withInterceptors(capture).sayHello(HelloRequest.newBuilder().setName("Z").build()).getMessage());
      assertEquals(List.of("gzip"), requestEncodings, "the request went on compressed");
      assertEquals("gzip", headers.get().get(ENCODING), "the answer came back compressed");
      assertEquals("upstream-1", headers.get().get(SERVED_BY));
      assertEquals("7", trailers.get().get(COST));

      // Uncompressed stays uncompressed.
      gateway.blockingStub(gateway.token("greet")).sayHello(HelloRequest.newBuilder().setName("Y").build());
      assertEquals("null", requestEncodings.get(1));
    }
  }

  @Test
  void statusDetailsReachTheCaller() throws Exception {
    try (TestGateway gateway = gateway()) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> gateway
          .blockingStub(gateway.token("greet")).sayHello(HelloRequest.newBuilder().setName(" ").build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      com.google.rpc.Status details = StatusProto.fromThrowable(e);
      assertEquals("name", details.getDetails(0).unpack(BadRequest.class).getFieldViolations(0).getField());
      assertEquals("7", e.getTrailers().get(COST));
    }
  }
}
