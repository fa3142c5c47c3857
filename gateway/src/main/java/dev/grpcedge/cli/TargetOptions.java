package dev.grpcedge.cli;

import dev.grpcedge.client.EdgeChannelBuilder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a command calls and how it trusts the gateway: {@code --target}, {@code --ca}, {@code --cert}, {@code --key}. */
final class TargetOptions {
  @Option(names = "--target", description = "HOST:PORT of the gateway (default: $GRPC_EDGE_LISTEN when set, else "
      + Defaults.TARGET + ").")
  String target;

  @Option(names = "--ca", description = "PEM CA bundle to trust (default: certs/ca.pem of the grpc-edge folder if"
      + " present, else the system trust store).")
  Path ca;

  @Option(names = "--cert", description = "PEM client certificate chain to present (with --key), for gateways that"
      + " ask for client certificates.")
  Path cert;

  @Option(names = "--key", description = "PKCS#8 PEM private key of --cert.")
  Path key;

  /** The target to call; a URL given as {@code --target} is an IllegalArgumentException saying what to write. */
  String target() {
    return target != null ? Defaults.checkTarget(target) : Defaults.target(System.getenv());
  }

  /** The CA bundle to trust, or null for the system trust store. */
  Path trusted() {
    return ca != null ? ca : Defaults.devCa();
  }

  /** A channel builder for {@code to}, trusting {@link #trusted()} and presenting the client certificate if given. */
  EdgeChannelBuilder channel(String to) {
    return EdgeChannelBuilder.forTarget(to).caFile(trusted()).clientCertificate(cert, key);
  }
}
