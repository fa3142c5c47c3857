package dev.grpcedge.bench;

import io.grpc.Metadata;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Extra metadata for the load generator's calls ({@code --metadata NAME=VALUE}), checked before the first call:
 * grpc-java would drop what it cannot send (or sets itself), and the run would measure something else.
 */
public final class BenchMetadata {
  // grpc-java's Netty client drops these from the application's headers and sends its own.
  private static final Set<String> RESERVED = Set.of("content-type", "te", "user-agent");

  private BenchMetadata() {}

  /**
   * {@code entries} as the headers to send, or an {@link IllegalArgumentException} naming the entry and what is
   * wrong: a name gRPC sets or reserves or that needs binary values, a bearer token given this way, a name given twice,
   * a value that is not printable ASCII.
   */
  public static Map<String, String> parse(Map<String, String> entries) {
    Map<String, String> out = new HashMap<>();
    entries.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("authorization")) {
        throw new IllegalArgumentException("--metadata " + name + ": give bearer tokens with --token or --token-file");
      }
      if (RESERVED.contains(lower)) {
        throw new IllegalArgumentException(
            "--metadata " + name + ": gRPC sets this header itself and drops the caller's");
      }
      if (lower.startsWith("grpc-") || lower.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        throw new IllegalArgumentException("--metadata " + name + ": names starting grpc- are gRPC's own, and "
            + "names ending -bin need binary values; neither can be sent this way");
      }
      try {
        Metadata.Key.of(lower, Metadata.ASCII_STRING_MARSHALLER);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--metadata " + name + ": not a valid header name: " + e.getMessage());
      }
      if (!value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
        throw new IllegalArgumentException("--metadata " + name + ": the value must be printable ASCII");
      }
      if (out.put(lower, value) != null) {
        throw new IllegalArgumentException("--metadata " + name + ": given twice");
      }
    });
    return Map.copyOf(out);
  }
}
