package dev.grpcedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad routes and upstreams stop start-up, naming the key. */
class RoutingConfigTest {
  private static final String BASE = """
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

  private String refusal(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(BASE + yaml, dir)).getMessage();
  }

  @Test
  void aRouteToAnUndefinedUpstreamIsNamedWithTheNearestOne() {
    assertEquals("routes[0].upstream: no upstream named 'greeter' (did you mean greeters?)", refusal("""
        upstreams:
          greeters: {targets: ["127.0.0.1:50051"], plaintext: true}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeter}
        """));
  }

  @Test
  void twoRoutesForOnePatternAreRefused() {
    assertEquals("routes[1].methods[0]: greeter.Greeter/* is routed by routes[0] already", refusal("""
        upstreams:
          a: {targets: ["127.0.0.1:50051"], plaintext: true}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: a}
          - {methods: ["greeter.Greeter/*"], upstream: a}
        """));
  }

  @Test
  void plaintextBeyondLoopbackIsARisk() {
    String yaml = """
        upstreams:
          a: {targets: ["10.0.0.5:50051"], plaintext: true}
        """;
    assertEquals("upstreams.a.plaintext: true to a host that is not loopback sends callers' requests and identities"
        + " across the network unencrypted; if that is intended, accept the risk with security.accept_risks:"
        + " [plaintext_upstreams]", refusal(yaml));
    assertEquals(List.of("10.0.0.5:50051"), ConfigLoader.parse(BASE + yaml
        + "security:\n  accept_risks: [plaintext_upstreams]\n", dir).upstreams().get("a").targets());
  }

  @Test
  void targetsAndKeysOfAnUpstreamAreChecked() {
    assertEquals("upstreams.a.targets: at least one target is required (host:port, or dns:///name:port)",
        refusal("upstreams:\n  a: {plaintext: true}\n"));
    assertEquals("upstreams.a.targets[0]: expected host:port or dns:///name:port, got 'nope'",
        refusal("upstreams:\n  a: {targets: [nope]}\n"));
    assertEquals("upstreams.a.load_balancing: expected round_robin or pick_first, got 'random'",
        refusal("upstreams:\n  a: {targets: [\"127.0.0.1:1\"], load_balancing: random}\n"));
    assertEquals("upstreams.a.tagets: unknown key (did you mean targets?)",
        refusal("upstreams:\n  a: {tagets: [\"127.0.0.1:1\"]}\n"));
    assertEquals("upstreams.a.outlier_detection.max_ejection_time: is shorter than base_ejection_time (30s)",
        refusal("upstreams:\n  a: {targets: [\"127.0.0.1:1\"], outlier_detection: {max_ejection_time: 10s}}\n"));
    assertEquals("upstreams.a.outlier_detection.failure_percentage: must be between 1 and 100, got 0",
        refusal("upstreams:\n  a: {targets: [\"127.0.0.1:1\"], outlier_detection: {failure_percentage: 0}}\n"));
  }

  @Test
  void identityNeedsItsKeysFolderAndAShortLifetime() {
    assertEquals("identity.keys: is required (the folder of the signing keys: scripts/gen-identity-key)",
        refusal("identity: {issuer: edge}\n"));
    assertTrue(refusal("identity: {keys: k, ttl: 5m}\n").startsWith("identity.ttl: "));
  }
}
