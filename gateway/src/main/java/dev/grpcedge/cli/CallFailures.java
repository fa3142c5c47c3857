package dev.grpcedge.cli;

import dev.grpcedge.config.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * A failed call said in one line a user can act on. grpc-java's statuses carry what its transport knew ("io
 * exception", a Netty pipeline, a deadline's timing dump); this names the cause in the user's own terms: the
 * CA file, the target, the flag.
 */
final class CallFailures {
  private CallFailures() {}

  /**
   * @param target the {@code --target} called
   * @param ca the {@code --ca} trusted, or null for the system trust store
   * @param deadline the {@code --deadline} given
   */
  static String describe(StatusRuntimeException e, String target, Path ca, Duration deadline) {
    Status status = e.getStatus();
    String code = status.getCode().name();
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return code + ": no answer within --deadline " + Durations.format(deadline);
    }
    if ("Failed computing credential metadata".equals(status.getDescription())) {
      return code + ": could not get a token: " + tokenProblem(status.getCause());
    }
    CertificateException untrusted = find(status.getCause(), CertificateException.class);
    if (untrusted != null) {
      return code + ": " + untrusted(untrusted, target, ca);
    }
    SSLException tls = find(status.getCause(), SSLException.class);
    if (tls != null) {
      return code + ": the TLS handshake with " + target + " failed: " + tls.getMessage();
    }
    if (find(status.getCause(), ConnectException.class) != null) {
      return code + ": cannot connect to " + target + ": connection refused (is the gateway running there?)";
    }
    UnknownHostException unknown = find(status.getCause(), UnknownHostException.class);
    if (unknown != null) {
      return code + ": cannot resolve the host of " + target;
    }
    String description = status.getDescription();
    if (description == null || description.startsWith("io exception")) {
      Throwable root = root(status.getCause());
      return code + (root == null ? "" : ": " + root.getMessage());
    }
    return code + ": " + description;
  }

  private static String untrusted(CertificateException e, String target, Path ca) {
    if (e instanceof CertificateExpiredException) {
      return "the server's certificate has expired";
    }
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
      return "the server's certificate is not for the host of " + target + " (" + message + ")";
    }
    return "the server's certificate is not signed by a CA in "
        + (ca == null ? "the system trust store (give the gateway's CA with --ca)" : ca);
  }

  private static String tokenProblem(Throwable cause) {
    if (cause instanceof NoSuchFileException missing) {
      return missing.getFile() + ": file not found";
    }
    return cause == null ? "the token source failed" : cause.getMessage();
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static Throwable root(Throwable t) {
    Throwable root = t;
    while (root != null && root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }
}
