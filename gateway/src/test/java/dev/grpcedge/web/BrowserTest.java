package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example page in a real browser: Debian's Chromium, driven by playwright-core, trusting the test CA through
 * an NSS database (no --ignore-certificate-errors), the page served from another origin than the gateway so CORS
 * is exercised. Unary calls over gRPC-Web and Connect, a stream shown as it arrives, the statuses a user sees, a
 * blocked origin, and an abort that stops the stream on the server; over HTTP/2 and over HTTP/1.1.
 */
class BrowserTest {
  private static final Path WEB = Subprocess.projectDir().resolve("examples/web");

  @TempDir static Path dir;
  static HttpServer page;
  static HttpServer blockedPage;
  static TestGateway gateway;
  static Path home;

  @BeforeAll
  static void start() throws Exception {
    boolean ready = Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/certutil"))
        && Files.exists(WEB.resolve("dist/app.js")) && Files.isDirectory(WEB.resolve("node_modules/playwright-core"));
    Subprocess.requireTool(ready, "browser tests need Debian's chromium and libnss3-tools, and the built page:"
        + " apt-get install chromium libnss3-tools; npm ci --prefix examples/web; npm run build --prefix examples/web");
    page = serve(WEB.resolve("dist"));
    blockedPage = serve(WEB.resolve("dist"));
    gateway = TestGateway.in(dir).web("  cors:\n    allowed_origins: [http://localhost:" + page.getAddress().getPort()
        + "]\n").start();
    home = Files.createDirectories(dir.resolve("home"));
    Path nss = Files.createDirectories(home.resolve(".pki/nssdb"));
    run(List.of("certutil", "-d", "sql:" + nss, "-N", "--empty-password"));
    run(List.of("certutil", "-d", "sql:" + nss, "-A", "-t", "C,,", "-n", "grpc-edge-test-ca", "-i",
        gateway.caFile().toString()));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (page != null) {
      page.stop(0);
      blockedPage.stop(0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "http/1.1"})
  void thePageCallsTheGatewayThroughEveryCase(String http) throws Exception {
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER)) {
      List<String> command = new ArrayList<>(List.of("node", WEB.resolve("test/browser.mjs").toString(),
          "http://localhost:" + page.getAddress().getPort() + "/", "https://localhost:" + gateway.webPort(),
          gateway.token("greet"), gateway.token("read"), "http://localhost:" + blockedPage.getAddress().getPort() + "/"));
      if (http.equals("http/1.1")) {
        command.add("--http1");
      }
      ProcessBuilder builder = new ProcessBuilder(command).directory(WEB.toFile()).redirectErrorStream(true);
      builder.environment().put("HOME", home.toString());
      Process browser = builder.start();
      List<JsonObject> cases = new ArrayList<>();
      List<String> output = new ArrayList<>();
      int streamsAfterAbort = -1;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          output.add(line);
          if (!line.startsWith("{")) {
            continue;
          }
          JsonObject c = JsonParser.parseString(line).getAsJsonObject();
          if (c.get("case").getAsString().equals("abort-done")) {
            // The tab is still open: only the abort can have stopped the stream.
            streamsAfterAbort = awaitNoActiveStreams();
          } else {
            cases.add(c);
          }
        }
      }
      assertTrue(browser.waitFor(60, TimeUnit.SECONDS));
      for (JsonObject c : cases) {
        assertTrue(c.get("ok").getAsBoolean(), http + ": " + c);
      }
      assertEquals(10, cases.size(), String.join("\n", output));
      assertEquals(0, streamsAfterAbort, "the aborted stream went on on the server");
      String origin = " origin=http://localhost:" + page.getAddress().getPort();
      List<String> lines = access.lines();
      assertTrue(lines.stream().anyMatch(l -> l.contains("method=greeter.Greeter/SayHello sub=alice status=OK")
          && l.endsWith("protocol=grpc-web" + origin)), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.contains("method=greeter.Greeter/SayHello sub=alice status=OK")
          && l.contains("protocol=connect")), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.contains("method=greeter.Greeter/LotsOfReplies sub=alice"
          + " status=CANCELLED")), lines.toString());
      assertTrue(lines.stream().noneMatch(l -> l.contains("origin=http://localhost:"
          + blockedPage.getAddress().getPort())), "the blocked origin reached a service");
    }
  }

  private static int awaitNoActiveStreams() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (gateway.server().greeter().activeStreams() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    return gateway.server().greeter().activeStreams();
  }

  private static HttpServer serve(Path root) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String name = exchange.getRequestURI().getPath().equals("/") ? "index.html"
          : exchange.getRequestURI().getPath().substring(1);
      Path file = root.resolve(name).normalize();
      byte[] body = file.startsWith(root) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
      exchange.getResponseHeaders().set("content-type", name.endsWith(".js") ? "text/javascript" : "text/html");
      exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    return server;
  }

  private static void run(List<String> command) throws Exception {
    Subprocess.Result r = Subprocess.run(command, Map.of(), dir);
    assertEquals(0, r.exitCode(), command + ": " + r.out() + r.err());
  }
}
