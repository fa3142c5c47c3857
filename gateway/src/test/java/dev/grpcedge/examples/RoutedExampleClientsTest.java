package dev.grpcedge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's Python client (grpcio) and the Node client (@grpc/grpc-js), unchanged but for TLS and the token,
 * greet a Greeter that the gateway routes to an upstream on loopback.
 */
class RoutedExampleClientsTest {
  @TempDir static Path dir;
  static ScheduledExecutorService scheduler;
  static Server upstream;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new GreeterService(scheduler)).build().start();
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    gateway = TestGateway.in(dir).routing("""
        upstreams:
          greeters: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(port)).start();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.shutdownNow();
    }
    scheduler.shutdownNow();
  }

  @Test
  void pythonClientGreetsARoutedGreeter() throws Exception {
    Path project = Subprocess.projectDir();
    Subprocess.requireTool(Subprocess.succeeds(List.of(PythonClientTest.PYTHON, "-c", "import grpc, grpc_tools"),
        project), "python3-grpcio and python3-grpc-tools are missing");
    Path stubs = Files.createDirectories(dir.resolve("python-gen"));
    Subprocess.Result generated = Subprocess.run(List.of(PythonClientTest.PYTHON, "-m", "grpc_tools.protoc", "-I",
        "proto", "--python_out=" + stubs, "--grpc_python_out=" + stubs, "proto/greeter.proto"), Map.of(), project);
    assertEquals(0, generated.exitCode(), generated.err());
    Subprocess.Result r = Subprocess.run(List.of(PythonClientTest.PYTHON, "examples/python/greeter_client.py",
        "--target", gateway.target(), "--ca", gateway.caFile().toString(), "--name", "Ann"),
        Map.of("PYTHONPATH", stubs.toString(), "GRPC_EDGE_TOKEN", gateway.token("greet")), project);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Ann!\nHello again, Ann!\n", r.out(), r.err());
  }

  @Test
  void nodeClientGreetsARoutedGreeter() throws Exception {
    Path project = Subprocess.projectDir();
    Subprocess.requireTool(Subprocess.succeeds(List.of("node", "--version"), project)
        && Files.isDirectory(project.resolve("examples/node/node_modules/@grpc/grpc-js")),
        "node and examples/node/node_modules are missing (npm ci --prefix examples/node)");
    Subprocess.Result r = Subprocess.run(List.of("node", "examples/node/greeter_client.js", "--target",
        gateway.target(), "--ca", gateway.caFile().toString(), "--name", "Ann"),
        Map.of("GRPC_EDGE_TOKEN", gateway.token("greet")), project);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Ann!\nHello again, Ann!\n", r.out(), r.err());
  }
}
