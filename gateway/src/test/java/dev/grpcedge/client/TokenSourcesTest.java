package dev.grpcedge.client;

import static dev.grpcedge.testing.GreeterCalls.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.Credentials;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixed, environment and file token sources, each sent to a real gateway over TLS. */
class TokenSourcesTest {
  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String greet(Credentials source) {
    return GreeterGrpc.newBlockingStub(gateway.channel()).withCallCredentials(BearerCredentials.from(source))
        .withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(request("Ann")).getMessage();
  }

  static String header(Credentials source) throws Exception {
    return source.getRequestMetadata(URI.create("https://" + gateway.target())).get("Authorization").get(0);
  }

  @Test
  void fixedTokenGreets() {
    assertEquals("Hello, Ann!", greet(TokenSources.fixed(gateway.token("greet"))));
  }

  @Test
  void envSourceReadsTheNamedVariable() {
    String token = gateway.token("greet");
    Credentials source = TokenSources.fromEnv("MY_TOKEN", Map.of("MY_TOKEN", token)::get);
    assertEquals("Hello, Ann!", greet(source));
  }

  @Test
  void envSourceNamesAMissingVariable() {
    var e = assertThrows(IllegalArgumentException.class, () -> TokenSources.fromEnv("MY_TOKEN", name -> null));
    assertEquals("environment variable MY_TOKEN is not set", e.getMessage());
  }

  @Test
  void fileSourcePicksUpARewrittenFile() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, gateway.token("read") + "\n");
    Credentials source = TokenSources.fromFile(file);
    var denied = assertThrows(StatusRuntimeException.class, () -> greet(source));
    assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());

    String rotated = gateway.token("greet");
    Files.writeString(file, rotated + "\n");
    // Same size is possible for two JWTs; a new mtime alone must be enough.
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(1)));

    assertEquals("Hello, Ann!", greet(source));
    assertTrue(header(source).equals("Bearer " + rotated), "the file's new token is sent");
  }

  @Test
  void fileSourceFailsTheCallWhenTheFileIsGone() {
    Credentials source = TokenSources.fromFile(dir.resolve("no-such-token"));
    var e = assertThrows(StatusRuntimeException.class, () -> greet(source));
    // Not retryable: the file will not appear by retrying the call.
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getCause().getMessage().contains("no-such-token"), e.getStatus().toString());
  }
}
