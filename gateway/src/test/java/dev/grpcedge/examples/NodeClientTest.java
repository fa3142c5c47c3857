package dev.grpcedge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/node/greeter_client.js (@grpc/grpc-js from npm) greets through a real gateway over TLS with a token. */
class NodeClientTest {
  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    Path project = Subprocess.projectDir();
    Subprocess.requireTool(Subprocess.succeeds(List.of("node", "--version"), project)
            && Files.isDirectory(project.resolve("examples/node/node_modules/@grpc/grpc-js")),
        "node or examples/node/node_modules is missing: install Node 18+, then npm ci --prefix examples/node");
    gateway = TestGateway.in(dir).start();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  static Subprocess.Result greet(Map<String, String> env) throws Exception {
    return Subprocess.run(List.of("node", "examples/node/greeter_client.js", "--target", gateway.target(),
        "--ca", gateway.caFile().toString(), "--name", "Ann"), env, Subprocess.projectDir());
  }

  @Test
  void nodeClientGreetsWithABearerTokenOverTls() throws Exception {
    Subprocess.Result r = greet(Map.of("GRPC_EDGE_TOKEN", gateway.token("greet")));
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Ann!\nHello again, Ann!\n", r.out(), r.err());
  }

  @Test
  void nodeClientWithoutATokenIsUnauthenticated() throws Exception {
    Subprocess.Result r = greet(Map.of());
    assertEquals(1, r.exitCode(), r.err());
    assertEquals("greeter_client: UNAUTHENTICATED: missing bearer token\n", r.err());
  }

  private static Subprocess.Result client(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("node", "examples/node/greeter_client.js"));
    command.addAll(List.of(args));
    return Subprocess.run(command, Map.of(), Subprocess.projectDir());
  }

  @Test
  void helpAndBadArgumentsAnswerInALine() throws Exception {
    Subprocess.Result help = client("--help");
    assertEquals(0, help.exitCode(), help.err());
    org.junit.jupiter.api.Assertions.assertTrue(help.out().startsWith("usage: node greeter_client.js"), help.out());
    Subprocess.Result noCa = client("--ca", "/nonexistent.pem");
    assertEquals(2, noCa.exitCode());
    assertEquals("greeter_client: --ca /nonexistent.pem: no such file or directory\n", noCa.err());
    Subprocess.Result unknown = client("--colour", "blue");
    assertEquals(2, unknown.exitCode());
    assertEquals(1, unknown.err().lines().count(), unknown.err());
  }
}
