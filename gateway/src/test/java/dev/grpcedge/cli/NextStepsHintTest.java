package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.testing.ServeProcess;
import dev.grpcedge.testing.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/start's "what to do next" comes from serve once the port is bound, never before a failed start. */
class NextStepsHintTest {
  @TempDir Path dir;

  @Test
  void hintFollowsTheListeningLineWithTheRealPort() throws Exception {
    Path config = TestGateway.in(dir).writeConfig(TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE));
    try (ServeProcess serve = ServeProcess.start(config, List.of(), Map.of(), List.of("--print-next-steps"))) {
      int port = serve.awaitListening();
      long until = System.nanoTime() + 10_000_000_000L;
      while (!serve.output().contains("scripts/grpc-edge health") && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      String out = serve.output();
      assertTrue(out.indexOf("In another terminal") > out.indexOf("listening on"), out);
      // The token travels in the environment: on the command line, ps would show it to every user.
      assertTrue(out.contains("export GRPC_EDGE_TOKEN=$(scripts/grpc-edge token --sub alice --scope greet"), out);
      assertTrue(out.contains("scripts/grpc-edge call SayHello --name Alice --target localhost:" + port + "\n"), out);
    }
  }

  @Test
  void noHintWhenThePortIsTaken() throws Exception {
    Path config = TestGateway.in(dir).writeConfig(TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServeProcess serve = ServeProcess.start(config, List.of(), Map.of(),
            List.of("--print-next-steps", "--listen", "127.0.0.1:" + taken.getLocalPort()))) {
      assertEquals(2, serve.awaitExit());
      assertTrue(serve.output().contains("is already in use"), serve.output());
      assertFalse(serve.output().contains("In another terminal"), serve.output());
    }
  }
}
