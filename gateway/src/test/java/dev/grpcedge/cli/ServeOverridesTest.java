package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.ConfigLoader;
import dev.grpcedge.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flags beat environment variables, which beat the config file. */
class ServeOverridesTest {
  private final GatewayConfig file = ConfigLoader.load(Path.of("config/gateway.yaml"));

  @Test
  void configFileAppliesWithoutOverrides() {
    GatewayConfig cfg = ServeCommand.overridden(file, null, null, null, Map.of());
    assertEquals("127.0.0.1:8443", cfg.listen().toString());
    assertEquals("INFO", cfg.logLevel());
  }

  @Test
  void environmentOverridesTheFile() {
    GatewayConfig cfg = ServeCommand.overridden(file, null, null, null,
        Map.of("GRPC_EDGE_LISTEN", "[::1]:9443", "GRPC_EDGE_LOG_LEVEL", "debug"));
    assertEquals("[::1]:9443", cfg.listen().toString());
    assertEquals("DEBUG", cfg.logLevel());
  }

  @Test
  void flagsOverrideTheEnvironment() {
    GatewayConfig cfg = ServeCommand.overridden(file, "0.0.0.0:443", null, "warn",
        Map.of("GRPC_EDGE_LISTEN", "[::1]:9443", "GRPC_EDGE_LOG_LEVEL", "debug"));
    assertEquals("0.0.0.0:443", cfg.listen().toString());
    assertEquals("WARN", cfg.logLevel());
  }

  @Test
  void badEnvironmentValueNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ServeCommand.overridden(file, null, null, null, Map.of("GRPC_EDGE_LOG_LEVEL", "loud")));
    assertEquals("GRPC_EDGE_LOG_LEVEL: expected one of trace, debug, info, warn, error, got 'loud'", e.getMessage());
  }
}
