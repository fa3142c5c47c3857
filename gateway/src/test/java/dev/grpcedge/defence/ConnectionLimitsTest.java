package dev.grpcedge.defence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.RawHttp2Client;
import dev.grpcedge.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections from one address over limits.connections.per_ip are closed before TLS; the others are untouched. */
class ConnectionLimitsTest {
  @TempDir Path dir;

  @Test
  void aConnectionOverThePerIpLimitIsClosedAndOneFreedIsReused() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir).limits("""
          connections:
            per_ip: 3
        """).start();
        LogCapture defence = LogCapture.of("dev.grpcedge.defence")) {
      var stub = GreeterGrpc.newBlockingStub(gateway.channel())
          .withCallCredentials(BearerCredentials.of(gateway.token("greet")));
      assertEquals("Hello, a!", stub.sayHello(HelloRequest.newBuilder().setName("a").build()).getMessage());
      List<RawHttp2Client> held = new ArrayList<>();
      try {
        held.add(new RawHttp2Client(gateway.port(), gateway.caFile()));
        held.add(new RawHttp2Client(gateway.port(), gateway.caFile()));
        // The fourth from 127.0.0.1 (the channel above is the first): closed as accepted, so TLS cannot finish.
        assertThrows(IOException.class, () -> new RawHttp2Client(gateway.port(), gateway.caFile()).close());
        String line = defence.await("refused a connection from 127.0.0.1", 5);
        assertTrue(line.contains("its address holds 3 connections (limits.connections.per_ip)"), line);
        assertEquals(3, gateway.server().openConnections());
        // The connections held go on.
        assertEquals("Hello, b!", stub.sayHello(HelloRequest.newBuilder().setName("b").build()).getMessage());

        held.remove(0).close();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (gateway.server().openConnections() > 2 && System.nanoTime() < until) {
          Thread.sleep(10);
        }
        held.add(new RawHttp2Client(gateway.port(), gateway.caFile()));
        assertEquals(3, gateway.server().openConnections());
      } finally {
        for (RawHttp2Client c : held) {
          c.close();
        }
      }
    }
  }
}
