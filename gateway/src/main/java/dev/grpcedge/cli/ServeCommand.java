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
  @Option(names = "--config", description = "Config file (default: config/gateway.yaml in the grpc-edge folder).")
  Path config;

  @Option(names = "--check", description = "Check the config, its certificate, key and JWKS files and its rules,"
      + " print who may call what, and exit 0 (ready to serve) or 1, without binding the port.")
  boolean check;

  // scripts/start asks for the hint; printed once the port is bound, so it never follows a failed start.
  @Option(names = "--print-next-steps", hidden = true)
  boolean printNextSteps;

  @Option(names = "--listen", description = "HOST:PORT to listen on; overrides the config and GRPC_EDGE_LISTEN.")
  String listen;

  @Option(names = "--web-listen", description = "HOST:PORT of the web listener (gRPC-Web); overrides the config and"
      + " GRPC_EDGE_WEB_LISTEN.")
  String webListen;

  @Option(names = "--log-level", description = "TRACE, DEBUG, INFO, WARN or ERROR; overrides the config and GRPC_EDGE_LOG_LEVEL.")
  String logLevel;

  @Override
  public Integer call() throws InterruptedException {
    Path file = config != null ? config : Defaults.config();
    if (check) {
      return check(file);
    }
    GatewayServer server;
    try {
      GatewayConfig cfg = overridden(ConfigLoader.load(file), listen, webListen, logLevel, System.getenv());
      Logging.configure(cfg.logLevel(), cfg.accessFormat() == dev.grpcedge.config.GatewayConfig.AccessFormat.JSON);
      server = GatewayServer.start(cfg);
    } catch (ConfigException e) {
      System.err.println("grpc-edge: cannot start: " + e.inFile(file).getMessage());
      return 2;
    } catch (TlsException | UncheckedIOException | IllegalArgumentException e) {
      System.err.println("grpc-edge: cannot start: " + e.getMessage());
      return 2;
    }
    if (printNextSteps) {
      printNextSteps(server.port());
    }
    CountDownLatch stop = new CountDownLatch(1);
    // Handle the signals ourselves rather than in a shutdown hook, so a drained stop exits 0, not 143.
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    stop.await();
    server.drain();
    return 0;
  }

  private int check(Path file) {
    try {
      ServeCheck.run(overridden(ConfigLoader.load(file), listen, webListen, logLevel, System.getenv()), file, System.out);
      return 0;
    } catch (ConfigException e) {
      System.err.println("grpc-edge serve --check: " + e.inFile(file).getMessage());
    } catch (TlsException | IllegalArgumentException e) {
      System.err.println("grpc-edge serve --check: " + e.getMessage());
    }
    return 1;
  }

  private static void printNextSteps(int port) {
    String target = port == 8443 ? "" : " --target localhost:" + port;
    System.err.printf("%ngrpc-edge is serving (Ctrl-C drains and stops it). In another terminal, from %s:%n%n"
        + "  export GRPC_EDGE_TOKEN=$(scripts/grpc-edge token --sub alice --scope greet --ttl 10m)%n"
        + "  scripts/grpc-edge call SayHello --name Alice%s%n"
        + "  scripts/grpc-edge health%s%n%n", Defaults.home(), target, target);
  }

  /**
   * Applies, in rising order of precedence, the environment and then the flags over the config file: the listen
   * address, the web listener's ({@code --web-listen}, {@code GRPC_EDGE_WEB_LISTEN}) and the log level.
   */
  static GatewayConfig overridden(GatewayConfig cfg, String listenFlag, String webListenFlag, String logLevelFlag,
      Map<String, String> env) {
    String webText = webListenFlag != null ? webListenFlag : env.get("GRPC_EDGE_WEB_LISTEN");
    if (webText != null && !webText.isBlank()) {
      try {
        cfg = cfg.withWeb(cfg.web().withListen(ListenAddress.parse(webText)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(webListenFlag != null ? "--web-listen" : "GRPC_EDGE_WEB_LISTEN", e.getMessage());
      }
    }
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
