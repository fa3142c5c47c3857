package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W3C trace context through the gateway (the caller's trace continued, or one started, and the gateway's span the
 * upstream's parent), written in access lines that are JSON objects with {@code log.access_format: json}.
 */
class TraceAndJsonAccessLogTest {
  private static final String CALLERS_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLERS_SPAN = "00f067aa0ba902b7";

  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> upstreamSaw = new CopyOnWriteArrayList<>();
  private Server upstream;

  @BeforeEach
  void startUpstream() throws Exception {
    ServerInterceptor recorder = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata h,
          ServerCallHandler<ReqT, RespT> next) {
        upstreamSaw.add(String.valueOf(h.get(TraceContext.TRACEPARENT)));
        return next.startCall(call, h);
      }
    };
    upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new GreeterService(scheduler), recorder)).build().start();
  }

  @AfterEach
  void stop() {
    upstream.shutdownNow();
    scheduler.shutdownNow();
  }

  private TestGateway gateway() {
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    return TestGateway.in(dir).routing("""
        log: {access_format: json}
        upstreams:
          greeters: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(port)).start();
  }

  private static JsonNode lastLine(LogCapture access, int count) throws Exception {
    long until = System.nanoTime() + 5_000_000_000L;
    while (access.lines().size() < count && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    List<String> lines = access.lines();
    assertEquals(count, lines.size(), lines.toString());
    String line = lines.get(count - 1);
    assertTrue(line.startsWith("INFO {"), line);
    return new ObjectMapper().readTree(line.substring("INFO ".length()));
  }

  @Test
  void theCallersTraceGoesOnWithTheGatewayAsParentAndTheLineIsJson() throws Exception {
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER); TestGateway gateway = gateway()) {
      Metadata headers = new Metadata();
      headers.put(TraceContext.TRACEPARENT, "00-" + CALLERS_TRACE + "-" + CALLERS_SPAN + "-01");
      gateway.blockingStub(gateway.token("greet")).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .sayHello(HelloRequest.newBuilder().setName("T").build());
      JsonNode line = lastLine(access, 1);
      assertEquals("greeter.Greeter/SayHello", line.get("method").asText());
      assertEquals("alice", line.get("sub").asText());
      assertEquals("OK", line.get("status").asText());
      assertEquals(0, line.get("code").asInt());
      assertEquals(1, line.get("in").asInt());
      assertEquals(1, line.get("out").asInt());
      assertTrue(line.get("duration_ms").isNumber() && line.get("time").asText().endsWith("Z"), line.toString());
      assertEquals(CALLERS_TRACE, line.get("trace_id").asText());
      assertEquals(CALLERS_SPAN, line.get("parent_span_id").asText());
      String gatewaySpan = line.get("span_id").asText();
      assertTrue(gatewaySpan.matches("[0-9a-f]{16}") && !gatewaySpan.equals(CALLERS_SPAN), gatewaySpan);
      // The upstream's parent is the gateway's span, in the caller's trace.
      assertEquals(List.of("00-" + CALLERS_TRACE + "-" + gatewaySpan + "-01"), upstreamSaw);
    }
  }

  @Test
  void aCallWithoutTraceOrWithAForgedOneStartsATrace() throws Exception {
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER); TestGateway gateway = gateway()) {
      var stub = gateway.blockingStub(gateway.token("greet"));
      stub.sayHello(HelloRequest.newBuilder().setName("N").build());
      JsonNode first = lastLine(access, 1);
      Metadata forged = new Metadata();
      forged.put(TraceContext.TRACEPARENT, "00-" + "0".repeat(32) + "-" + CALLERS_SPAN + "-01\"}{\"injected\":1");
      stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forged))
          .sayHello(HelloRequest.newBuilder().setName("F").build());
      JsonNode second = lastLine(access, 2);
      for (JsonNode line : List.of(first, second)) {
        assertTrue(line.get("trace_id").asText().matches("[0-9a-f]{32}"), line.toString());
        assertFalse(line.has("parent_span_id"), line.toString());
        assertFalse(line.has("injected"), line.toString());
      }
      assertNotEquals(first.get("trace_id").asText(), second.get("trace_id").asText());
      assertEquals("00-" + second.get("trace_id").asText() + "-" + second.get("span_id").asText() + "-01",
          upstreamSaw.get(1));
    }
  }
}
