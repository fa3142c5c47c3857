package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import dev.grpcedge.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourcesTest {
  private static TestIssuer issuer;

  @TempDir
  Path dir;

  @BeforeAll
  static void createIssuer() {
    issuer = TestIssuer.create("https://a.example", "grpc-edge");
  }

  @Test
  void publicJwksFileGivesItsKeys() throws Exception {
    Path file = issuer.writeJwks(dir.resolve("jwks.json"));

    var keys = KeySources.fromFile(file).get(new JWKSelector(new JWKMatcher.Builder().build()), null);

    assertEquals(3, keys.size());
  }

  @Test
  void missingFileIsRefusedNamingIt() {
    Path file = dir.resolve("absent.json");

    assertRefused(file, "file not found");
  }

  @Test
  void garbageFileIsRefusedNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("garbage.json"), "not a key set: MIIE...");

    ConfigException e = assertRefused(file, "not a JWKS document");
    assertFalse(e.getMessage().contains("MIIE"), "the file's content must not be quoted");
  }

  @Test
  void jsonWithoutKeysArrayIsRefusedNamingIt() throws IOException {
    assertRefused(Files.writeString(dir.resolve("object.json"), "{\"issuer\":\"x\"}"), "not a JWKS document");
  }

  @Test
  void emptyKeySetIsRefusedNamingIt() throws IOException {
    assertRefused(Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}"), "holds no keys");
  }

  @Test
  void privateKeyInJwksIsRefusedNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("private.json"), new JWKSet(issuer.rsaKey()).toString(false));

    ConfigException e = assertRefused(file, "holds a private or secret key (kid rsa-1)");
    assertFalse(e.getMessage().contains(issuer.rsaKey().getPrivateExponent().toString()));
  }

  private static ConfigException assertRefused(Path file, String problem) {
    ConfigException e = assertThrows(ConfigException.class, () -> KeySources.fromFile(file));
    assertTrue(e.getMessage().startsWith(file + ": " + problem), e.getMessage());
    return e;
  }
}
