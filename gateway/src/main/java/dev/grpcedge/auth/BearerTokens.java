package dev.grpcedge.auth;

import static dev.grpcedge.auth.AuthException.unauthenticated;

import io.grpc.InternalMetadata;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/** Reads an OAuth 2.0 bearer token (RFC 6750) from a call's {@code authorization} metadata. */
public final class BearerTokens {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  // The same header as the bytes that arrived, not copied into a String: every call's header, hundreds of bytes,
  // is compared with the connection's last token (grpc-java's own internal key API, stable for years, is the only
  // way to read a header's bytes).
  private static final Metadata.Key<byte[]> AUTHORIZATION_BYTES =
      InternalMetadata.keyOf("authorization", RawAscii.INSTANCE);

  private static final String SCHEME = "Bearer";
  // A table rather than a chain of comparisons: every call's token, hundreds of characters, is scanned.
  private static final boolean[] B64TOKEN = b64TokenTable();

  private BearerTokens() {}

  /**
   * Removes every {@code authorization} header from {@code headers}, in one pass: the values as they arrived (not
   * to be modified), or null when there were none.
   */
  static Iterable<byte[]> remove(Metadata headers) {
    return headers.removeAll(AUTHORIZATION_BYTES);
  }

  /**
   * Returns the token of the single {@code authorization: Bearer <token>} header, from the values {@link #remove}
   * returned.
   *
   * @throws AuthException UNAUTHENTICATED when the header is missing, repeated, of another scheme, empty, not
   *     RFC 6750 {@code b64token} syntax, or longer than {@code maxTokenBytes}
   */
  static String extract(Iterable<byte[]> values, int maxTokenBytes) throws AuthException {
    if (values == null) {
      throw unauthenticated("missing bearer token");
    }
    byte[] only = single(values);
    // Two headers are ambiguous (which one did the client mean?), so neither is used. Metadata.get() would
    // silently pick the last one.
    if (only == null) {
      throw unauthenticated("malformed authorization header");
    }
    String value = new String(only, StandardCharsets.US_ASCII);
    int space = value.indexOf(' ');
    String scheme = space < 0 ? value : value.substring(0, space);
    if (!scheme.equalsIgnoreCase(SCHEME)) {
      throw unauthenticated("unsupported authorization scheme");
    }
    String token = space < 0 ? "" : value.substring(space + 1).stripLeading();
    if (token.isEmpty()) {
      throw unauthenticated("malformed authorization header");
    }
    // Checked before the syntax scan so an oversized header costs no more than its length.
    if (token.length() > maxTokenBytes) {
      throw unauthenticated("token too large");
    }
    if (!isB64Token(token)) {
      throw unauthenticated("malformed authorization header");
    }
    return token;
  }

  /** The only value of {@code values} ({@link #remove}'s result); null when there is none or more than one. */
  static byte[] single(Iterable<byte[]> values) {
    if (values == null) {
      return null;
    }
    Iterator<byte[]> it = values.iterator();
    byte[] value = it.next();
    return it.hasNext() ? null : value;
  }

  /** The {@code authorization} value that sends {@code token}, as clients write it. */
  static byte[] header(String token) {
    return (SCHEME + ' ' + token).getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether the call carries any {@code authorization} header, well-formed or not. */
  public static boolean present(Metadata headers) {
    return headers.containsKey(AUTHORIZATION);
  }

  /** RFC 6750: {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
  private static boolean isB64Token(String token) {
    int i = 0;
    while (i < token.length() && isB64TokenChar(token.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < token.length() && token.charAt(i) == '=') {
      i++;
    }
    return i == token.length();
  }

  private static boolean isB64TokenChar(char c) {
    return c < B64TOKEN.length && B64TOKEN[c];
  }

  private static boolean[] b64TokenTable() {
    boolean[] table = new boolean[128];
    for (char c = 'A'; c <= 'Z'; c++) {
      table[c] = true;
      table[Character.toLowerCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      table[c] = true;
    }
    for (char c : "-._~+/".toCharArray()) {
      table[c] = true;
    }
    return table;
  }

  /** A header's bytes as they are. */
  private enum RawAscii implements InternalMetadata.TrustedAsciiMarshaller<byte[]> {
    INSTANCE;

    @Override
    public byte[] toAsciiString(byte[] value) {
      return value;
    }

    @Override
    public byte[] parseAsciiString(byte[] serialized) {
      return serialized;
    }
  }
}
