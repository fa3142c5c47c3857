package dev.grpcedge.cli;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.ConfigLoader;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.config.ListenAddress;
import dev.grpcedge.observe.Logging;
import dev.grpcedge.server.GatewayServer;
import dev.grpcedge.tls.TlsException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code grpc-edge serve}: runs the gateway until SIGTERM or Ctrl-C, then drains and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gateway. SIGTERM or Ctrl-C drains in-flight calls (shutdown.grace), then exits 0.")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", defaultValue = "config/gateway.yaml", description = "Config file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--listen", description = "HOST:PORT to listen on; overrides the config and GRPC_EDGE_LISTEN.")
  String listen;

  @Option(names = "--log-level", description = "TRACE, DEBUG, INFO, WARN or ERROR; overrides the config and GRPC_EDGE_LOG_LEVEL.")
  String logLevel;

  @Override
  public Integer call() throws InterruptedException {
    GatewayServer server;
    try {
      GatewayConfig cfg = overridden(ConfigLoader.load(config), listen, logLevel, System.getenv());
      Logging.configure(cfg.logLevel());
      server = GatewayServer.start(cfg);
    } catch (ConfigException | TlsException | UncheckedIOException | IllegalArgumentException e) {
      System.err.println("grpc-edge: cannot start: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    // Handle the signals ourselves rather than in a shutdown hook, so a drained stop exits 0, not 143.
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    stop.await();
    server.drain();
    return 0;
  }

  /** Applies, in rising order of precedence, the environment and then the flags over the config file. */
  static GatewayConfig overridden(GatewayConfig cfg, String listenFlag, String logLevelFlag, Map<String, String> env) {
    String listenText = listenFlag != null ? listenFlag : env.get("GRPC_EDGE_LISTEN");
    if (listenText != null && !listenText.isBlank()) {
      try {
        cfg = cfg.withListen(ListenAddress.parse(listenText));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(listenFlag != null ? "--listen" : "GRPC_EDGE_LISTEN", e.getMessage());
      }
    }
    String level = logLevelFlag != null ? logLevelFlag : env.get("GRPC_EDGE_LOG_LEVEL");
    if (level != null && !level.isBlank()) {
      String upper = level.trim().toUpperCase(Locale.ROOT);
      if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(upper)) {
        throw new ConfigException(logLevelFlag != null ? "--log-level" : "GRPC_EDGE_LOG_LEVEL",
            "expected one of trace, debug, info, warn, error, got '" + level + "'");
      }
      cfg = cfg.withLogLevel(upper);
    }
    return cfg;
  }
}
