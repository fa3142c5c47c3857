package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.WebClient;
import dev.grpcedge.testing.WebClient.Frame;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Draining lets a browser's call in flight finish, as native calls do, and takes no new browser call. */
class WebDrainTest {
  @TempDir Path dir;

  @Test
  void aStreamInFlightFinishesAndNewBrowserCallsAreRefused() throws Exception {
    TestGateway gateway = TestGateway.in(dir).web("").shutdownGrace("10s").start();
    try {
      Map<String, String> headers = Map.of("content-type", "application/grpc-web+proto",
          "authorization", "Bearer " + gateway.token("greet"));
      WebClient web = new WebClient(gateway.webPort(), gateway.caFile(), HttpClient.Version.HTTP_2);
      byte[] four = WebClient.frame(HelloRequest.newBuilder().setName("Dee").setCount(4).setIntervalMillis(250)
          .build().toByteArray());
      InputStream body = web.postStreaming("/greeter.Greeter/LotsOfReplies", headers, four).body();
      assertEquals("Hello, Dee! (1 of 4)", HelloReply.parseFrom(WebClient.read(body, 1).get(0).payload())
          .getMessage());
      CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> gateway.server().drain());
      List<Frame> rest = WebClient.read(body, 4);
      assertEquals("Hello, Dee! (4 of 4)", HelloReply.parseFrom(rest.get(2).payload()).getMessage());
      assertEquals("grpc-status: 0\r\n", rest.get(3).text());
      assertTrue(drained.get(), "the drain was not clean");
      assertThrows(java.io.IOException.class, () -> new WebClient(gateway.webPort(), gateway.caFile(),
          HttpClient.Version.HTTP_2).post("/greeter.Greeter/SayHello", headers, four));
    } finally {
      gateway.close();
    }
  }
}
