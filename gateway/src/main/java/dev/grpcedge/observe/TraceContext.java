package dev.grpcedge.observe;

import io.grpc.Metadata;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A call's W3C trace context: the caller's trace continued (its {@code traceparent}), or a new trace when it sent
 * none or a malformed one. The gateway is a span of its own: what goes on (to a service or an upstream) names the
 * gateway's span as the parent.
 *
 * @param traceId 32 lower-case hex digits
 * @param spanId the gateway's span, 16 lower-case hex digits
 * @param parentId the caller's span, or null when the gateway started the trace
 * @param flags the trace flags, two hex digits (sampled or not, as the caller decided)
 */
public record TraceContext(String traceId, String spanId, String parentId, String flags) {
  public static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent",
      Metadata.ASCII_STRING_MARSHALLER);

  /**
   * The trace of a call with {@code headers}, whose {@code traceparent} is replaced by the gateway's, so that the
   * service or upstream it reaches sees the gateway as its parent.
   */
  public static TraceContext continueOrStart(Metadata headers) {
    String caller = headers.get(TRACEPARENT);
    TraceContext trace = caller != null && valid(caller)
        ? new TraceContext(caller.substring(3, 35), newId(16), caller.substring(36, 52), caller.substring(53, 55))
        : new TraceContext(newId(32), newId(16), null, "01");
    if (caller != null) {
      headers.discardAll(TRACEPARENT);
    }
    headers.put(TRACEPARENT, trace.header());
    return trace;
  }

  /** The {@code traceparent} header naming the gateway's span. */
  public String header() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  /** Version 00: {@code 00-<32 hex>-<16 hex>-<2 hex>}, ids not all zero, lower case (as the spec requires). */
  static boolean valid(String h) {
    if (h.length() != 55 || !h.startsWith("00-") || h.charAt(35) != '-' || h.charAt(52) != '-') {
      return false;
    }
    return hex(h, 3, 35) && hex(h, 36, 52) && hex(h, 53, 55) && !zeros(h, 3, 35) && !zeros(h, 36, 52);
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  /** A random id of {@code digits} hex digits (not a secret: ThreadLocalRandom, no system entropy per call). */
  private static String newId(int digits) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder id = new StringBuilder(digits);
    for (int i = 0; i < digits; i += 16) {
      long bits = random.nextLong() | 1L; // never all zeros
      String h = Long.toHexString(bits);
      id.append("0".repeat(16 - h.length())).append(h);
    }
    return id.toString();
  }
}
