package dev.grpcedge.cli;

import dev.grpcedge.auth.DevTokenIssuer;
import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.ConfigLoader;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.config.IssuerConfig;
import dev.grpcedge.tls.TlsException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpc-edge token}: prints a JWT signed by the dev issuer, for the config's issuer and audience. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Print a bearer JWT from the dev token issuer (certs/dev-issuer.key) for the config's first issuer.")
public final class TokenCommand implements Callable<Integer> {
  @Option(names = "--config", description = "Config file (default: config/gateway.yaml in the grpc-edge folder).")
  Path config;

  @Option(names = "--sub", required = true, description = "Subject (the caller's identity).")
  String subject;

  @Option(names = "--scope", description = "Scopes, space- or comma-separated; repeatable.")
  List<String> scopes = new ArrayList<>();

  @Option(names = "--ttl", defaultValue = "10m", description = "Lifetime, e.g. 30s, 10m, 1h (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(names = "--audience", description = "Audience (default: the issuer's first configured audience).")
  String audience;

  @Option(names = "--key", description = "RSA signing key (default: the JWKS file's name with .key for .jwks.json).")
  Path key;

  @Override
  public Integer call() {
    Path file = config != null ? config : Defaults.config();
    try {
      GatewayConfig cfg = ConfigLoader.load(file);
      if (cfg.auth().issuers().isEmpty()) {
        throw new ConfigException("auth.issuers", "is empty: nothing to mint tokens for").inFile(file);
      }
      // Only a local dev issuer can be minted for; a remote issuer's tokens come from its identity provider.
      IssuerConfig issuer = cfg.auth().issuers().stream().filter(i -> i.jwksFile() != null).findFirst()
          .orElseThrow(() -> new ConfigException("auth.issuers", "no issuer with a jwks_file: tokens for issuers"
              + " with jwks_url or discovery come from their identity provider").inFile(file));
      Path keyFile = key != null ? key : defaultKey(issuer.jwksFile());
      DevTokenIssuer dev = DevTokenIssuer.load(issuer.issuer(), keyFile, issuer.jwksFile(), Clock.systemUTC());
      String aud = audience != null ? audience : issuer.audiences().iterator().next();
      System.out.println(dev.mint(subject, splitScopes(), aud, ttl));
      return 0;
    } catch (ConfigException | TlsException | IllegalArgumentException e) {
      System.err.println("grpc-edge token: " + e.getMessage());
      return 2;
    }
  }

  private List<String> splitScopes() {
    List<String> out = new ArrayList<>();
    for (String s : scopes) {
      for (String part : s.split("[\\s,]+")) {
        if (!part.isEmpty()) {
          out.add(part);
        }
      }
    }
    return out;
  }

  private static Path defaultKey(Path jwksFile) {
    String name = jwksFile.getFileName().toString().replaceFirst("\\.jwks\\.json$", "") + ".key";
    return jwksFile.resolveSibling(name);
  }
}
