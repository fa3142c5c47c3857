package dev.grpcedge.cli;

import dev.grpcedge.auth.IssuerKeys;
import dev.grpcedge.auth.MethodPolicy.Requirement;
import dev.grpcedge.auth.RuleCoverage;
import dev.grpcedge.auth.RuleCoverage.MethodAccess;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.config.IssuerConfig;
import dev.grpcedge.server.GatewayServer;
import dev.grpcedge.tls.CertificateReloader;
import dev.grpcedge.tls.CertificateStatus;
import dev.grpcedge.tls.TlsContexts;
import io.netty.handler.ssl.SslProvider;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code grpc-edge serve --check}: everything start-up checks except binding the port (the config, the TLS files,
 * the JWKS files and the rules against the served methods), then who may call what. Remote key sets are not
 * fetched: a provider that is down does not stop the gateway either.
 */
final class ServeCheck {
  private ServeCheck() {}

  /** Checks {@code cfg} (read from {@code file}) and prints the report; throws on the first problem. */
  static void run(GatewayConfig cfg, Path file, PrintStream out) {
    List<MethodAccess> access = dev.grpcedge.server.ServedMethods.access(cfg);
    SslProvider provider = TlsContexts.provider(cfg.tls());
    CertificateReloader tls = CertificateReloader.create(cfg.tls(), provider);
    CertificateStatus cert = tls.status();
    tls.close();
    IssuerKeys.open(cfg.auth()).close();
    var identity = cfg.identity().enabled()
        ? dev.grpcedge.route.SigningKeys.load(cfg.identity(), java.time.Clock.systemUTC()) : null;

    out.println(file + ": OK");
    out.println("listen   " + cfg.listen() + " (not bound by --check)");
    out.println("tls      " + cert.subject() + ", serial " + cert.serial() + ", expires " + cert.notAfter() + " ("
        + cert.daysLeft() + " days); " + TlsContexts.describe(provider) + "; client certificates "
        + cfg.tls().clientAuth().name().toLowerCase(Locale.ROOT));
    if (cfg.web().enabled()) {
      out.println("web      " + cfg.web().listen() + " (gRPC-Web and Connect, the same certificate; origins "
          + (cfg.web().allowedOrigins().isEmpty() ? "none" : String.join(", ", cfg.web().allowedOrigins())) + ")");
    }
    var limits = cfg.limits();
    out.println("limits   " + limits.callers().size() + " per-caller rule(s), buckets " + (limits.store()
        == dev.grpcedge.config.LimitsConfig.Store.REDIS ? "in Redis at " + limits.redis().address() + " (not reached by"
        + " --check; on failure " + limits.onStoreFailure().name().toLowerCase(Locale.ROOT) + ")" : "in this gateway")
        + "; connections " + limits.connections().perIp() + " per IP, " + limits.connections().total() + " in all");
    if (!cfg.security().acceptedRisks().isEmpty()) {
      out.println("risks    accepted: " + String.join(", ", cfg.security().acceptedRisks().stream()
          .map(dev.grpcedge.config.SecurityConfig.Risk::key).sorted().toList()));
    }
    if (!cfg.upstreams().isEmpty()) {
      out.println("routes   " + cfg.routes().size() + " to upstream(s) " + String.join(", ", cfg.upstreams().keySet())
          + (identity == null ? "; no identity token (identity.keys)" : "; identity tokens from " + cfg.identity()
          .issuer() + ", signed with key " + identity.signer().getKeyID()));
    }
    for (IssuerConfig issuer : cfg.auth().issuers()) {
      out.println("issuer   " + issuer.issuer() + " (" + keySource(issuer) + "; audiences "
          + String.join(", ", issuer.audiences()) + ")");
    }
    out.println();
    out.print(table(access));
    List<String> uncovered = RuleCoverage.uncovered(access);
    if (!uncovered.isEmpty()) {
      out.println();
      out.println("No rule names " + String.join(", ", uncovered) + ": a valid token with any scope may call "
          + (uncovered.size() == 1 ? "it" : "them") + " (deny by default asks only for the token).");
    }
  }

  private static String keySource(IssuerConfig issuer) {
    if (issuer.jwksFile() != null) {
      return "keys from " + issuer.jwksFile();
    }
    return issuer.discovery() ? "keys by OIDC discovery, not fetched by --check"
        : "keys from " + issuer.jwksUrl() + ", not fetched by --check";
  }

  /** method | token | scopes | client certificate | rule, in aligned columns. */
  static String table(List<MethodAccess> access) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"METHOD", "TOKEN", "SCOPES", "CLIENT CERT", "RULE"});
    for (MethodAccess a : access) {
      Requirement r = a.requirement();
      rows.add(new String[] {a.method(), r.isPublic() ? "not needed" : "required",
          r.scopes().isEmpty() ? "-" : String.join(" ", r.scopes().stream().sorted().toList()),
          r.clientCert() ? "required" : "-", a.covered() ? a.rule() : "none (any valid token)"});
    }
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        text.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      text.append('\n');
    }
    return text.toString();
  }
}
