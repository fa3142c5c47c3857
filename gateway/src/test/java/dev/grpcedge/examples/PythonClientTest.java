package dev.grpcedge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestGateway;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/python/greeter_client.py (grpcio from Debian) greets through a real gateway over TLS with a token. */
class PythonClientTest {
  /** Debian's interpreter: a pyenv or venv python3 on PATH does not see Debian's python3-grpcio. */
  static final String PYTHON = "/usr/bin/python3";

  @TempDir static Path dir;
  static TestGateway gateway;
  static Path stubs;

  @BeforeAll
  static void start() throws Exception {
    Subprocess.requireTool(Subprocess.succeeds(List.of(PYTHON, "-c", "import grpc, grpc_tools"), dir),
        PYTHON + " with grpcio and grpc_tools is missing: apt-get install python3-grpcio python3-grpc-tools");
    Path project = Subprocess.projectDir();
    stubs = dir.resolve("gen");
    java.nio.file.Files.createDirectories(stubs);
    Subprocess.Result generated = Subprocess.run(List.of(PYTHON, "-m", "grpc_tools.protoc", "-I", "proto",
        "--python_out=" + stubs, "--grpc_python_out=" + stubs, "proto/greeter.proto"), Map.of(), project);
    assertEquals(0, generated.exitCode(), generated.err());
    gateway = TestGateway.in(dir).start();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  static Subprocess.Result greet(Map<String, String> env) throws Exception {
    Path project = Subprocess.projectDir();
    return Subprocess.run(List.of(PYTHON, "examples/python/greeter_client.py", "--target", gateway.target(),
        "--ca", gateway.caFile().toString(), "--name", "Ann"), env, project);
  }

  @Test
  void pythonClientGreetsWithABearerTokenOverTls() throws Exception {
    Subprocess.Result r = greet(Map.of("PYTHONPATH", stubs.toString(), "GRPC_EDGE_TOKEN", gateway.token("greet")));
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Ann!\nHello again, Ann!\n", r.out(), r.err());
  }

  @Test
  void pythonClientWithoutATokenIsUnauthenticated() throws Exception {
    Subprocess.Result r = greet(Map.of("PYTHONPATH", stubs.toString()));
    assertEquals(1, r.exitCode(), r.err());
    assertEquals("greeter_client: UNAUTHENTICATED: missing bearer token\n", r.err());
  }

  private static Subprocess.Result client(Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(PYTHON, "examples/python/greeter_client.py"));
    command.addAll(List.of(args));
    return Subprocess.run(command, env, Subprocess.projectDir());
  }

  @Test
  void helpWorksWithoutTheGeneratedStubs() throws Exception {
    Subprocess.Result r = client(Map.of(), "--help");
    assertEquals(0, r.exitCode(), r.err());
    org.junit.jupiter.api.Assertions.assertTrue(r.out().startsWith("usage: greeter_client.py"), r.out());
  }

  @Test
  void missingStubsOrCaFileAreOneLineEach() throws Exception {
    Subprocess.Result noStubs = client(Map.of(), "--target", gateway.target());
    assertEquals(2, noStubs.exitCode());
    org.junit.jupiter.api.Assertions.assertTrue(
        noStubs.err().startsWith("greeter_client: the greeter_pb2 stubs are not on PYTHONPATH: generate them with:"),
        noStubs.err());
    assertEquals(1, noStubs.err().lines().count(), noStubs.err());
    Subprocess.Result noCa = client(Map.of("PYTHONPATH", stubs.toString()), "--ca", "/nonexistent.pem");
    assertEquals(2, noCa.exitCode());
    assertEquals("greeter_client: --ca /nonexistent.pem: no such file or directory\n", noCa.err());
  }
}
