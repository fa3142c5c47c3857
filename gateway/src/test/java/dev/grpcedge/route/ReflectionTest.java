package dev.grpcedge.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ChannelzService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reflection v1 through the gateway, with grpc-java's reflection client stubs: the built-in services from the
 * gateway, a routed service (Channelz on a real upstream) from the upstream, behind a token unless a rule opens it.
 */
class ReflectionTest {
  @TempDir Path dir;

  private Server upstream;

  @BeforeEach
  void startUpstream() throws Exception {
    upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ChannelzService.newInstance(10))
        .addService(ProtoReflectionServiceV1.newInstance())
        .build().start();
  }

  @AfterEach
  void stop() {
    upstream.shutdownNow();
  }

  private TestGateway gateway(String extraRules) {
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    return TestGateway.in(dir).rules(TestGateway.DEFAULT_RULES + extraRules).routing("""
        upstreams:
          internal: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false}
        routes:
          - {methods: ["grpc.channelz.v1.Channelz/*"], upstream: internal}
        """.formatted(port)).start();
  }

  /** Asks each question on one reflection stream; the answers, in order, and how the stream ended. */
  private static List<ServerReflectionResponse> ask(TestGateway gateway, String token,
      ServerReflectionRequest... questions) throws Exception {
    var stub = ServerReflectionGrpc.newStub(gateway.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    if (token != null) {
      stub = stub.withCallCredentials(BearerCredentials.of(token));
    }
    StreamRecorder<ServerReflectionResponse> answers = new StreamRecorder<>();
    StreamObserver<ServerReflectionRequest> out = stub.serverReflectionInfo(answers);
    for (ServerReflectionRequest q : questions) {
      out.onNext(q);
    }
    out.onCompleted();
    Status status = answers.awaitStatus();
    if (!status.isOk()) {
      throw status.asRuntimeException();
    }
    return answers.messages();
  }

  private static ServerReflectionRequest list() {
    return ServerReflectionRequest.newBuilder().setListServices("").build();
  }

  private static ServerReflectionRequest symbol(String name) {
    return ServerReflectionRequest.newBuilder().setFileContainingSymbol(name).build();
  }

  private static String fileName(ServerReflectionResponse r) throws Exception {
    return FileDescriptorProto.parseFrom(r.getFileDescriptorResponse().getFileDescriptorProto(0)).getName();
  }

  @Test
  void builtInAndRoutedServicesAreListedAndDescribed() throws Exception {
    try (TestGateway gateway = gateway("")) {
      List<ServerReflectionResponse> answers = ask(gateway, gateway.token("greet"), list(),
          symbol("greeter.Greeter"), symbol("grpc.channelz.v1.Channelz"), symbol("no.Such"));
      List<String> services = answers.get(0).getListServicesResponse().getServiceList().stream()
          .map(ServiceResponse::getName).toList();
      assertEquals(List.of("greeter.Greeter", "grpc.channelz.v1.Channelz", "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection"), services);
      assertEquals("greeter.proto", fileName(answers.get(1)));
      assertEquals("grpc/channelz/v1/channelz.proto", fileName(answers.get(2)), "from the upstream");
      assertEquals(Status.Code.NOT_FOUND.value(), answers.get(3).getErrorResponse().getErrorCode());
    }
  }

  @Test
  void reflectionNeedsATokenUnlessARuleMakesItPublic() throws Exception {
    try (TestGateway gateway = gateway("")) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
          () -> ask(gateway, null, list()));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    }
    try (TestGateway gateway = gateway("""
            - methods: ["grpc.reflection.v1.ServerReflection/*"]
              public: true
        """)) {
      assertTrue(ask(gateway, null, list()).get(0).getListServicesResponse().getServiceCount() >= 3);
    }
  }
}
