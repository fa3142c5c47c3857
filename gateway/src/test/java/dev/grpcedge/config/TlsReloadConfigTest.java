package dev.grpcedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hot-reload, expiry-warning and client-certificate keys of {@code tls}, and {@code client_cert} on rules. */
class TlsReloadConfigTest {
  private static final String BASE = """
      tls:
        cert: server.pem
        key: server.key
      %s
      auth:
        issuers:
          - issuer: https://issuer.example
            jwks_file: keys.json
            audiences: [api]
        rules:
          - methods: ["greeter.Greeter/*"]
      %s
      """;

  @TempDir Path dir;

  @Test
  void reloadAndClientAuthDefaultsAreTwoSecondsFourteenDaysAndNone() {
    TlsConfig tls = ConfigLoader.parse(BASE.formatted("", ""), dir).tls();
    assertEquals(Duration.ofSeconds(2), tls.reloadInterval());
    assertEquals(Duration.ofDays(14), tls.expiryWarning());
    assertEquals(TlsConfig.ClientAuth.NONE, tls.clientAuth());
    assertNull(tls.clientCa());
  }

  @Test
  void reloadExpiryAndClientAuthKeysAreRead() {
    GatewayConfig cfg = ConfigLoader.parse(BASE.formatted(
        "  reload_interval: 500ms\n  expiry_warning: 30d\n  client_auth: require\n  client_ca: clients.pem",
        "      client_cert: required"), dir);
    assertEquals(Duration.ofMillis(500), cfg.tls().reloadInterval());
    assertEquals(Duration.ofDays(30), cfg.tls().expiryWarning());
    assertEquals(TlsConfig.ClientAuth.REQUIRE, cfg.tls().clientAuth());
    assertEquals(dir.resolve("clients.pem"), cfg.tls().clientCa());
    assertTrue(cfg.auth().rules().get(0).clientCert());
  }

  @Test
  void clientAuthWithoutAClientCaIsRefused() {
    assertError("tls.client_ca: is required when client_auth is optional", "  client_auth: optional", "");
  }

  @Test
  void clientCaWithoutClientAuthIsRefused() {
    assertError("tls.client_ca: is set but client_auth is none", "  client_ca: clients.pem", "");
  }

  @Test
  void tooShortReloadIntervalIsRefused() {
    assertError("tls.reload_interval: must be between", "  reload_interval: 10ms", "");
  }

  @Test
  void badClientCertValueOnARuleIsRefused() {
    assertError("auth.rules[0].client_cert: expected required or optional", "", "      client_cert: yes please");
  }

  @Test
  void ruleAskingForAClientCertificateNeedsClientAuthOnTheListener() {
    assertError("auth.rules[0].client_cert: needs tls.client_auth: optional or require", "", "      client_cert: required");
  }

  private void assertError(String expected, String tlsKeys, String ruleKeys) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(BASE.formatted(tlsKeys, ruleKeys), dir));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
