package dev.grpcedge.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/** The rule for identity-provider URLs: https, except plain http to a loopback host (for local tests). */
public final class KeyUrls {
  private KeyUrls() {}

  /**
   * Checks {@code uri}: https, or plain http to a loopback host; throws IllegalArgumentException with the reason
   * when it may not be used.
   *
   * <p>Plain http elsewhere would let anyone on the path swap the signing keys and mint tokens.
   */
  public static void check(URI uri) {
    check(uri, false);
  }

  /**
   * Checks {@code uri}; plain http to any host passes when {@code plainHttpAccepted} (the config accepted that risk:
   * {@code security.accept_risks}).
   */
  public static void check(URI uri, boolean plainHttpAccepted) {
    checkShape(uri);
    if (!plainHttpAccepted && plainHttpBeyondLoopback(uri)) {
      throw new IllegalArgumentException("must be https (plain http is allowed only for loopback hosts), got '"
          + uri + "'");
    }
  }

  /** An absolute http or https URL without a user name or password. */
  static void checkShape(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException("expected an https URL, got '" + uri + "'");
    }
    if (uri.getUserInfo() != null) {
      throw new IllegalArgumentException("must not hold a user name or password");
    }
  }

  /** True for plain http to a host that is not loopback. */
  static boolean plainHttpBeyondLoopback(URI uri) {
    return "http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost());
  }

  /** 127.0.0.0/8, ::1 and localhost, decided from the text alone: no name lookup. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
