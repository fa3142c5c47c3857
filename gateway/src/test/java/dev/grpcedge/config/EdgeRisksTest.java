package dev.grpcedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config that weakens the edge is refused, naming the key, until its risk is accepted by name. */
class EdgeRisksTest {
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
  void eachDefenceTurnedOffIsRefusedByItsKey() {
    String accept = "; if that is intended, accept the risk with security.accept_risks: [defences_off]";
    String harm = " turns off a defence against abusive clients" + accept;
    assertEquals("limits.http2.max_resets: 0" + harm, refusal("limits:\n  http2:\n    max_resets: 0\n"));
    assertEquals("limits.http2.max_empty_data_frames: 0" + harm,
        refusal("limits:\n  http2:\n    max_empty_data_frames: 0\n"));
    assertEquals("limits.http2.max_continuation_frames: 0" + harm,
        refusal("limits:\n  http2:\n    max_continuation_frames: 0\n"));
    assertEquals("limits.http2.max_settings_frames: 0" + harm,
        refusal("limits:\n  http2:\n    max_settings_frames: 0\n"));
    assertEquals("limits.http2.min_ping_interval: 0s (pings at any rate)" + harm,
        refusal("limits:\n  http2:\n    min_ping_interval: 0s\n"));
    assertEquals("limits.connections.per_ip: 0" + harm, refusal("limits:\n  connections:\n    per_ip: 0\n"));
    assertEquals("limits.connections.total: 0" + harm, refusal("limits:\n  connections:\n    total: 0\n"));
    assertEquals("limits.callers: [] (no per-caller limit)" + harm, refusal("limits:\n  callers: []\n"));
    assertEquals("limits.callers[0]: a rule with every limit 0" + harm,
        refusal("limits:\n  callers:\n    - methods: [\"*\"]\n"));
  }

  @Test
  void acceptingTheRiskByNameLetsTheConfigLoad() {
    GatewayConfig config = ConfigLoader.parse(BASE + """
        limits:
          http2:
            max_resets: 0
          callers: []
        security:
          accept_risks: [defences_off]
        """, dir);
    assertEquals(0, config.limits().http2().maxResets());
    assertEquals(Set.of(SecurityConfig.Risk.DEFENCES_OFF), config.security().acceptedRisks());
  }

  @Test
  void aClockSkewOverFiveMinutesIsARisk() {
    String yaml = BASE.replace("auth:\n", "auth:\n  clock_skew: 6m\n");
    assertEquals("auth.clock_skew: 6m keeps expired tokens valid for more than 5 minutes; if that is intended, accept"
            + " the risk with security.accept_risks: [long_clock_skew]",
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, dir)).getMessage());
    assertEquals(Duration.ofMinutes(6), ConfigLoader.parse(yaml + "security:\n  accept_risks: [long_clock_skew]\n",
        dir).auth().clockSkew());
    assertEquals(Duration.ofMinutes(5), ConfigLoader.parse(BASE.replace("auth:\n", "auth:\n  clock_skew: 5m\n"),
        dir).auth().clockSkew());
  }

  @Test
  void anUnknownRiskIsRefusedWithTheKnownOnes() {
    assertEquals("security.accept_risks[0]: unknown risk 'defence_off' (did you mean defences_off?) (known:"
            + " defences_off, long_clock_skew, plain_http_keys, plaintext_upstreams, public_methods)",
        refusal("security:\n  accept_risks: [defence_off]\n"));
  }

  @Test
  void theDefaultsAreAnEdgeFitForTheInternet() {
    LimitsConfig limits = ConfigLoader.parse(BASE, dir).limits();
    assertEquals(200, limits.http2().maxResets());
    assertEquals(Duration.ofSeconds(30), limits.http2().window());
    assertEquals(10, limits.http2().maxEmptyDataFrames());
    assertEquals(16, limits.http2().maxContinuationFrames());
    assertEquals(100, limits.http2().maxSettingsFrames());
    assertEquals(Duration.ofSeconds(20), limits.http2().minPingInterval());
    assertEquals(100, limits.connections().perIp());
    assertEquals(10_000, limits.connections().total());
    assertEquals(Duration.ofHours(1), limits.maxConnectionAge());
    assertEquals(java.util.List.of(CallerLimit.DEFAULT), limits.callers());
    assertEquals(LimitsConfig.Store.LOCAL, limits.store());
  }

  @Test
  void redisNeedsItsAddressAndAKnownFailureMode() {
    assertEquals("limits.redis: is required with store: redis (redis.address: host:port)",
        refusal("limits:\n  store: redis\n"));
    assertEquals("limits.redis.address: is required (host:port of the Redis server)",
        refusal("limits:\n  store: redis\n  redis: {tls: false}\n"));
    assertEquals("limits.on_store_failure: expected allow or deny, got 'maybe'",
        refusal("limits:\n  on_store_failure: maybe\n"));
    assertEquals("limits.callers[0].over_message_rate: expected pushback or fail, got 'drop'",
        refusal("limits:\n  callers:\n    - methods: [\"*\"]\n      calls_per_second: 5\n      over_message_rate: drop\n"));
  }
}
