package dev.grpcedge.cli;

import dev.grpcedge.Main;
import dev.grpcedge.config.ListenAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The CLI's defaults, the same from any working directory: files are found in the grpc-edge folder (the
 * repository, or {@code $GRPC_EDGE_HOME}), and the target of {@code call}, {@code health} and {@code bench} is
 * where {@code serve} listens when {@code GRPC_EDGE_LISTEN} says so.
 */
public final class Defaults {
  static final String HOME_ENV = "GRPC_EDGE_HOME";
  static final String LISTEN_ENV = "GRPC_EDGE_LISTEN";
  public static final String TARGET = "localhost:8443";

  private Defaults() {}

  /**
   * {@code $GRPC_EDGE_HOME} (scripts/grpc-edge sets it), else the nearest folder above the jar or the classes that
   * holds {@code config/gateway.yaml}, else the working directory.
   */
  public static Path home() {
    String env = System.getenv(HOME_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    try {
      Path home = homeOf(Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
      if (home != null) {
        return home;
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // Not from a file (an unusual class loader): fall back to the working directory.
    }
    return Path.of("").toAbsolutePath();
  }

  /** The nearest folder above {@code code} (the jar or the classes folder) with {@code config/gateway.yaml}, or null. */
  static Path homeOf(Path code) {
    for (Path p = code.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("config").resolve("gateway.yaml"))) {
        return p;
      }
    }
    return null;
  }

  /** {@code config/gateway.yaml} in the grpc-edge folder. */
  public static Path config() {
    return home().resolve("config").resolve("gateway.yaml");
  }

  /** The dev CA, {@code certs/ca.pem} in the grpc-edge folder, when it exists; null means the system trust store. */
  public static Path devCa() {
    Path dev = home().resolve("certs").resolve("ca.pem");
    return Files.isReadable(dev) ? dev : null;
  }

  /**
   * Where to call: {@code GRPC_EDGE_LISTEN} as a client target (a wildcard host becomes localhost), else
   * {@value #TARGET}.
   */
  public static String target(Map<String, String> env) {
    String listen = env.get(LISTEN_ENV);
    if (listen == null || listen.isBlank()) {
      return TARGET;
    }
    try {
      ListenAddress address = ListenAddress.parse(listen);
      boolean wildcard = address.host().equals("0.0.0.0") || address.host().equals("::");
      return wildcard ? "localhost:" + address.port() : address.toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(LISTEN_ENV + ": " + e.getMessage());
    }
  }

  /**
   * Checks a {@code --target} a user typed: {@code HOST:PORT} or a gRPC target such as {@code dns:///host:443};
   * a web URL is refused with what to write instead.
   */
  public static String checkTarget(String target) {
    String lower = target.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      String rest = target.substring(target.indexOf("://") + 3).replaceAll("/.*$", "");
      throw new IllegalArgumentException("--target takes HOST:PORT, not a URL: use --target "
          + (rest.contains(":") ? rest : rest + ":443"));
    }
    return target;
  }
}
