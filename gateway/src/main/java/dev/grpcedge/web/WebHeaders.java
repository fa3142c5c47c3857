package dev.grpcedge.web;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Browser headers to gRPC metadata and back: which travel, how {@code -bin} values are written, {@code grpc-timeout}. */
final class WebHeaders {
  // HTTP's own, the browser's own, and what the bridge decides itself (framing, deadline, compression).
  private static final Set<String> NOT_METADATA = Set.of("host", "connection", "keep-alive", "te",
      "transfer-encoding", "upgrade", "content-type", "content-length", "accept", "accept-encoding",
      "accept-language", "origin", "referer", "user-agent", "cookie", "x-grpc-web", "x-user-agent", "grpc-timeout",
      "grpc-encoding", "grpc-accept-encoding", "priority");

  private WebHeaders() {}

  /** The request headers that are call metadata; a {@code -bin} value that is not base64 is malformed. */
  static Metadata toMetadata(HttpHeaders headers) throws Frames.Malformed {
    Metadata metadata = new Metadata();
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (NOT_METADATA.contains(name) || name.startsWith(":") || name.startsWith("x-http2-")
          || name.startsWith("sec-") || name.startsWith("grpc-edge-bridge-")) {
        // grpc-edge-bridge-*: only the bridge itself may name a call's caller.
        continue;
      }
      try {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          metadata.put(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER),
              Base64.getDecoder().decode(header.getValue().trim()));
        } else {
          metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), header.getValue());
        }
      } catch (IllegalArgumentException e) {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          throw new Frames.Malformed(Status.INTERNAL.withDescription("header " + name + " is not base64"));
        }
        // A name gRPC cannot carry (say, with an upper-case-only character set of its own): left out.
      }
    }
    return metadata;
  }

  /** Response headers (or trailers of a trailers-only answer) from call metadata. */
  static void addTo(HttpHeaders headers, Metadata metadata) {
    for (String key : metadata.keys()) {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
          headers.add(key, Base64.getEncoder().encodeToString(value));
        }
      } else {
        for (String value : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
          headers.add(key, value);
        }
      }
    }
  }

  /** {@code grpc-status} and {@code grpc-message} for {@code status}, on {@code headers}. */
  static void addStatus(HttpHeaders headers, Status status) {
    headers.set("grpc-status", String.valueOf(status.getCode().value()));
    if (status.getDescription() != null) {
      headers.set("grpc-message", percentEncode(status.getDescription()));
    }
  }

  /** The trailer frame's text: one {@code name: value} line each, status first. */
  static String trailerBlock(Status status, Metadata trailers) {
    StringBuilder block = new StringBuilder("grpc-status: ").append(status.getCode().value()).append("\r\n");
    if (status.getDescription() != null) {
      block.append("grpc-message: ").append(percentEncode(status.getDescription())).append("\r\n");
    }
    io.netty.handler.codec.http.DefaultHttpHeaders rest = new io.netty.handler.codec.http.DefaultHttpHeaders();
    addTo(rest, trailers);
    for (Map.Entry<String, String> e : rest) {
      block.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
    }
    return block.toString();
  }

  /**
   * The deadline a browser asked for with {@code grpc-timeout} ({@code 10S}, {@code 500m}, ...), in nanoseconds,
   * or -1 when it asked for none or wrote it wrongly.
   */
  static long timeoutNanos(String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return -1;
    }
    long n;
    try {
      n = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
    switch (value.charAt(value.length() - 1)) {
      case 'H': return TimeUnit.HOURS.toNanos(n);
      case 'M': return TimeUnit.MINUTES.toNanos(n);
      case 'S': return TimeUnit.SECONDS.toNanos(n);
      case 'm': return TimeUnit.MILLISECONDS.toNanos(n);
      case 'u': return TimeUnit.MICROSECONDS.toNanos(n);
      case 'n': return n;
      default: return -1;
    }
  }

  /** {@code grpc-message} is percent-encoded UTF-8 (the gRPC HTTP/2 spec): anything outside printable ASCII, and %. */
  static String percentEncode(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
