package dev.grpcedge.examples.android;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.testing.TestProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client library as an app takes it: {@link GreeterApp} runs in a JVM of its own on this module's runtime class
 * path (the library, grpc-okhttp, lite stubs) and greets a real gateway, itself a process started from
 * {@code gateway/target/grpc-edge.jar}, with a token from a real OAuth2 server's client credentials grant.
 */
class AndroidStyleCallerTest {
  private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> appClasspath() throws Exception {
    String file = Files.readString(Path.of(System.getProperty("app.classpath.file"))).trim();
    return List.of((System.getProperty("app.classes") + File.pathSeparator + file).split(File.pathSeparator));
  }

  @Test
  void theAppsClassPathHoldsNoGatewayLibraries() throws Exception {
    List<String> jars = appClasspath().stream().map(p -> Path.of(p).getFileName().toString()).toList();
    assertTrue(jars.stream().anyMatch(j -> j.startsWith("grpc-edge-client-")), jars.toString());
    assertTrue(jars.stream().anyMatch(j -> j.startsWith("grpc-okhttp-")), jars.toString());
    for (String banned : List.of("netty", "nimbus", "logback", "picocli", "protobuf-java-3")) {
      assertTrue(jars.stream().noneMatch(j -> j.contains(banned)), banned + " on the app's class path: " + jars);
    }
  }

  @Test
  void appGreetsTheGatewayWithAClientCredentialsToken() throws Exception {
    TestPki pki = TestPki.create("client-it CA");
    Path ca = pki.writeCa(dir.resolve("ca.pem"));
    pki.issueServer().write(dir, "server");
    try (TestProvider provider = TestProvider.start()) {
      Path config = Files.writeString(dir.resolve("gateway.yaml"), """
          listen: 127.0.0.1:0
          tls:
            cert: server.pem
            key: server.key
          auth:
            issuers:
          %s
            rules:
              - methods: ["greeter.Greeter/*"]
                scopes: [greet]
              - methods: ["grpc.health.v1.Health/*"]
                public: true
          """.formatted(provider.issuerYaml(dir)));
      Path log = dir.resolve("gateway.log");
      Process gateway = new ProcessBuilder(java(), "-jar", System.getProperty("gateway.jar"), "serve", "--config",
          config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        int port = awaitListening(gateway, log);
        Subprocess.Result app = Subprocess.run(List.of(java(), "-cp", String.join(File.pathSeparator, appClasspath()),
                GreeterApp.class.getName(), "localhost:" + port, ca.toString(), provider.tokenUrl().toString(),
                "android-app", "Ann"),
            Map.of("GRPC_EDGE_CLIENT_SECRET", "app-secret"), dir);
        assertEquals(0, app.exitCode(), app.err());
        assertEquals("Hello, Ann!\n", app.out());
        assertEquals(1, provider.tokensIssued());
        // Access lines are written in batches every 20 ms.
        String line = "method=greeter.Greeter/SayHello sub=android-app status=OK";
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.readString(log).contains(line) && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        assertTrue(Files.readString(log).contains(line), Files.readString(log));
      } finally {
        gateway.destroy();
        gateway.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static int awaitListening(Process gateway, Path log) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      String out = Files.exists(log) ? Files.readString(log) : "";
      Matcher m = LISTENING.matcher(out);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!gateway.isAlive()) {
        fail("the gateway did not start: " + out);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the gateway did not start in 60 s: " + Files.readString(log));
  }
}
