package dev.grpcedge.server;

import dev.grpcedge.config.ListenAddress;
import java.io.IOException;

/** Why a listener could not be bound, in words a user can act on. */
final class BindFailures {
  private BindFailures() {}

  /** What a user can act on when the port cannot be bound: grpc-java says only "Failed to bind to address". */
  static String describe(ListenAddress listen, IOException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (c instanceof java.net.BindException && m.contains("in use")) {
        return "address " + listen + " is already in use (is another gateway running? stop it, or choose another"
            + " address with --listen or GRPC_EDGE_LISTEN)";
      }
      if (c instanceof java.net.BindException && m.contains("assign")) {
        return "cannot listen on " + listen + ": no network interface of this machine has that address";
      }
      if (c instanceof java.net.BindException && m.contains("denied")) {
        return "cannot listen on " + listen + ": permission denied (ports below 1024 need privileges)";
      }
    }
    return "cannot listen on " + listen + ": " + e.getMessage();
  }}
