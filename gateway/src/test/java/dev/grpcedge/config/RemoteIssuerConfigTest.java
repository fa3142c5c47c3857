package dev.grpcedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config for issuers whose keys come from the identity provider, the token cache and stream expiry. */
class RemoteIssuerConfigTest {
  private static final String HEAD = """
      tls:
        cert: server.pem
        key: server.key
      auth:
        issuers:
          - issuer: https://sso.example.com/realms/demo
            audiences: [grpc-edge]
      """;

  @TempDir Path dir;

  private GatewayConfig parse(String issuerKeys) {
    return ConfigLoader.parse(HEAD + issuerKeys, dir);
  }

  private void assertError(String expected, String issuerKeys) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(issuerKeys));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void discoveryIssuerGetsDefaultKeyCacheSettings() {
    IssuerConfig issuer = parse("      discovery: true\n").auth().issuers().get(0);

    assertTrue(issuer.discovery());
    assertTrue(issuer.remoteKeys());
    assertNull(issuer.jwksFile());
    assertEquals(KeyCacheConfig.DEFAULTS, issuer.keys());
    assertEquals(Duration.ofMinutes(5), issuer.keys().cacheTtl());
    assertEquals(256 * 1024, issuer.keys().maxResponseBytes());
  }

  @Test
  void jwksUrlAndKeySettingsAreRead() {
    IssuerConfig issuer = parse("""
              jwks_url: https://sso.example.com/realms/demo/protocol/openid-connect/certs
              keys:
                cache_ttl: 10m
                refresh_ahead: 1m
                min_refetch_interval: 15s
                http_timeout: 1s
                max_response_size: 64KiB
                outage_tolerance: 2h
        """).auth().issuers().get(0);

    assertEquals(URI.create("https://sso.example.com/realms/demo/protocol/openid-connect/certs"), issuer.jwksUrl());
    assertEquals(new KeyCacheConfig(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(15),
        Duration.ofSeconds(1), 64 * 1024, Duration.ofHours(2)), issuer.keys());
  }

  @Test
  void exactlyOneKeySourceIsRequired() {
    String reason = "auth.issuers[0].jwks_file: give exactly one of jwks_file (a local JWKS file), jwks_url, or"
        + " discovery: true (OIDC discovery from the issuer URL)";
    assertError(reason, "");
    assertError(reason, "      discovery: true\n      jwks_file: keys.json\n");
  }

  @Test
  void plainHttpIsRefusedExceptForLoopbackUnlessItsRiskIsAccepted() {
    assertError("auth.issuers[0].jwks_url: plain http to sso.example.com lets anyone on the network path swap the"
        + " signing keys and mint tokens; if that is intended, accept the risk with security.accept_risks:"
        + " [plain_http_keys]", "      jwks_url: http://sso.example.com/certs\n");
    assertEquals(URI.create("http://sso.example.com/certs"), parse("      jwks_url: http://sso.example.com/certs\n"
        + "security:\n  accept_risks: [plain_http_keys]\n").auth().issuers().get(0).jwksUrl());
    for (String loopback : new String[] {"127.0.0.1:8080", "127.9.9.9", "localhost:9000", "[::1]:8080"}) {
      assertEquals(URI.create("http://" + loopback + "/certs"),
          parse("      jwks_url: http://" + loopback + "/certs\n").auth().issuers().get(0).jwksUrl());
    }
  }

  @Test
  void discoveryNeedsAnHttpsIssuer() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        HEAD.replace("https://sso.example.com", "http://sso.example.com") + "      discovery: true\n", dir));
    assertTrue(e.getMessage().startsWith("auth.issuers[0].issuer: discovery over plain http to sso.example.com lets"
        + " anyone on the network path swap the signing keys"), e.getMessage());
  }

  @Test
  void keySettingsAreRefusedForAFile() {
    assertError("auth.issuers[0].keys: applies only to jwks_url or discovery, not to jwks_file",
        "      jwks_file: keys.json\n      keys: { cache_ttl: 10m }\n");
  }

  @Test
  void refreshAheadMustLeaveRoomInTheCacheTtl() {
    assertError("auth.issuers[0].keys.cache_ttl: refresh_ahead + 3 x http_timeout must be shorter than cache_ttl",
        "      discovery: true\n      keys: { cache_ttl: 30s, refresh_ahead: 30s }\n");
  }

  @Test
  void unknownKeySettingIsRefusedWithItsPath() {
    assertError("auth.issuers[0].keys.ttl: unknown key", "      discovery: true\n      keys: { ttl: 5m }\n");
  }

  @Test
  void tokenCacheAndStreamExpiryDefaultOnAndCanBeTurnedOff() {
    GatewayConfig defaults = parse("      discovery: true\n");
    assertEquals(TokenCacheConfig.DEFAULTS, defaults.auth().tokenCache());
    assertTrue(defaults.auth().tokenCache().enabled());
    assertEquals(10_000, defaults.auth().tokenCache().maxEntries());

    GatewayConfig off = parse("""
              discovery: true
          token_cache: { enabled: false, max_entries: 50 }
          rules:
            - methods: ["greeter.Greeter/BidiHello"]
              end_streams_at_expiry: false
            - methods: ["greeter.Greeter/*"]
        """);
    assertEquals(new TokenCacheConfig(false, 50), off.auth().tokenCache());
    assertFalse(off.auth().rules().get(0).endStreamsAtExpiry());
    assertTrue(off.auth().rules().get(1).endStreamsAtExpiry());
  }
}
