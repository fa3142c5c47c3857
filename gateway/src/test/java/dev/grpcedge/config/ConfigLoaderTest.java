package dev.grpcedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String MINIMAL = """
      tls:
        cert: server.pem
        key: server.key
      auth:
        issuers:
          - issuer: https://issuer.example
            jwks_file: keys.json
            audiences: [api]
      """;

  @TempDir Path dir;

  @Test
  void shippedDevConfigLoadsWithDocumentedDefaults() {
    GatewayConfig cfg = ConfigLoader.load(Path.of("config/gateway.yaml"));
    assertEquals(new ListenAddress("127.0.0.1", 8443), cfg.listen());
    assertEquals(TlsConfig.Provider.OPENSSL, cfg.tls().provider());
    assertFalse(cfg.tls().allowJdkFallback());
    assertEquals(Path.of("certs/server.pem").toAbsolutePath(), cfg.tls().certChain());
    assertEquals(Duration.ofSeconds(60), cfg.auth().clockSkew());
    assertEquals("https://dev-issuer.grpc-edge.local", cfg.auth().issuers().get(0).issuer());
    assertEquals(Set.of("grpc-edge"), cfg.auth().issuers().get(0).audiences());
    assertEquals(new MethodRule(List.of("greeter.Greeter/*"), Set.of("greet"), false), cfg.auth().rules().get(0));
    assertEquals(4 << 20, cfg.limits().maxInboundMessageBytes());
    assertEquals(16 << 10, cfg.limits().maxMetadataBytes());
    assertEquals(Duration.ofSeconds(10), cfg.shutdownGrace());
  }

  @Test
  void defaultsApplyWhenKeysAreLeftOut() {
    GatewayConfig cfg = ConfigLoader.parse(MINIMAL, dir);
    assertEquals("127.0.0.1:8443", cfg.listen().toString());
    assertEquals(dir.resolve("server.pem"), cfg.tls().certChain());
    assertEquals(8192, cfg.auth().maxTokenBytes());
    assertEquals("INFO", cfg.logLevel());
  }

  @Test
  void unknownKeyIsRefusedWithItsPath() {
    assertError("tls.keyy: unknown key (did you mean key?)",
        MINIMAL.replace("  key: server.key", "  key: server.key\n  keyy: x"));
  }

  @Test
  void misspeltRequiredKeyIsReportedAsTheUnknownKeyNotAsTheMissingOne() {
    assertError("tls.keyy: unknown key (did you mean key?)", MINIMAL.replace("  key: server.key", "  keyy: server.key"));
  }

  @Test
  void issuerForIssuersIsTheUnknownKeyWithTheRightOneSuggested() {
    assertError("auth.issuer: unknown key (did you mean issuers?)", MINIMAL.replace("  issuers:", "  issuer:"));
  }

  @Test
  void unknownKeyFarFromAnyKnownOneGetsNoSuggestion() {
    assertError("limits.colour: unknown key", MINIMAL + "limits:\n  colour: blue\n");
  }

  @Test
  void yesIsTheWordTheUserWroteNotTrue() {
    assertError("tls.client_auth: expected one of [none, optional, require], got 'yes'",
        MINIMAL.replace("  key: server.key", "  key: server.key\n  client_auth: yes"));
    assertError("auth.token_cache.enabled: expected true or false, got 'on'",
        MINIMAL + "  token_cache:\n    enabled: on\n");
  }

  @Test
  void yamlSyntaxErrorNamesTheFileTheLineAndTheColumn() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.yaml"), MINIMAL + "limits:\n  max_metadata_size: 8KiB\n    oops: 1\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertEquals(file + ": line 11, column 9: not valid YAML: mapping values are not allowed here", e.getMessage());
  }

  @Test
  void unknownTopLevelKeyIsRefused() {
    assertError("listener: unknown key (did you mean listen?)", "listener: 1.2.3.4:1\n" + MINIMAL);
  }

  @Test
  void badDurationNamesTheKey() {
    assertError("auth.clock_skew: expected a duration with a unit, such as 500ms, 30s, 10m, 1h or 2d, got '60 seconds'",
        MINIMAL.replace("auth:\n", "auth:\n  clock_skew: 60 seconds\n"));
  }

  @Test
  void skewIsBounded() {
    assertError("auth.clock_skew: must be between 0s and 10m, got 1h", MINIMAL.replace("auth:\n", "auth:\n  clock_skew: 1h\n"));
  }

  @Test
  void badListenAddressIsRefused() {
    assertError("listen: expected HOST:PORT, got 'localhost'", "listen: localhost\n" + MINIMAL);
  }

  @Test
  void missingCertificateKeyIsRequired() {
    assertError("tls.cert: is required (PEM certificate chain)", MINIMAL.replace("  cert: server.pem\n", ""));
  }

  @Test
  void issuerWithoutAudiencesIsRefused() {
    assertError("auth.issuers[0].audiences: at least one audience is required", MINIMAL.replace("      audiences: [api]\n", ""));
  }

  @Test
  void malformedRuleMethodIsRefused() {
    assertError("auth.rules[0].methods[0]: expected package.Service/Method or package.Service/*, got 'SayHello'",
        MINIMAL + "  rules:\n    - methods: [SayHello]\n      scopes: [greet]\n");
  }

  @Test
  void badSizeIsRefused() {
    assertError("limits.max_metadata_size: expected a size such as 8192, 8KiB or 4MiB, got 'lots'",
        MINIMAL + "limits:\n  max_metadata_size: lots\n");
  }

  @Test
  void badEnumListsTheChoices() {
    assertError("tls.provider: expected one of [openssl, jdk], got 'gnutls'",
        MINIMAL.replace("  key: server.key", "  key: server.key\n  provider: gnutls"));
  }

  @Test
  void tokenCapMustFitInTheHeaderLimit() {
    assertError("auth.max_token_size: must be smaller than limits.max_metadata_size (8192 bytes)",
        MINIMAL.replace("auth:\n", "auth:\n  max_token_size: 8KiB\n") + "limits:\n  max_metadata_size: 8KiB\n");
  }

  @Test
  void duplicateKeysAreRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("listen: a:1\nlisten: b:2\n" + MINIMAL, dir));
    assertEquals("line 2, column 7: not valid YAML: found duplicate key listen", e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("missing.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
    assertEquals(missing + ": file not found", e.getMessage());
  }

  @Test
  void errorsFromAFileNameTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("gw.yaml"), "bogus: 1\n" + MINIMAL);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertEquals(file + ": bogus: unknown key", e.getMessage());
    assertFalse(e.getMessage().contains("'string'"), e.getMessage());
  }

  @Test
  void wrongShapesAreNamed() {
    assertError("tls: expected a mapping of keys to values", MINIMAL.replace("tls:\n  cert: server.pem\n  key: server.key\n",
        "tls: [server.pem]\n"));
    assertError("auth.issuers[0].audiences[0]: expected a single value",
        MINIMAL.replace("audiences: [api]", "audiences: [{name: api}]"));
    assertError("limits.max_concurrent_streams: expected a whole number, got 'many'",
        MINIMAL + "limits:\n  max_concurrent_streams: many\n");
    assertError("shutdown.grace: expected a duration with a unit, such as 500ms, 30s, 10m, 1h or 2d, got '10'",
        MINIMAL + "shutdown:\n  grace: 10\n");
  }

  @Test
  void unknownKeyDeepInAListItemIsNamedWithItsIndex() {
    assertError("auth.issuers[0].keys.cache_tl: unknown key (did you mean cache_ttl?)",
        MINIMAL.replace("      jwks_file: keys.json", "      jwks_url: https://idp.example/jwks\n      keys:\n        cache_tl: 5m"));
  }

  @Test
  void emptyFileNamesTheFirstRequiredKey() {
    assertError("tls.cert: is required (PEM certificate chain)", "# nothing yet\n");
  }

  private void assertError(String expected, String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, dir));
    assertEquals(expected, e.getMessage());
  }
}
