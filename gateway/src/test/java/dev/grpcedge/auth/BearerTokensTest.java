package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class BearerTokensTest {
  private static final int MAX = 64;

  @Test
  void bearerTokenIsExtracted() throws AuthException {
    assertEquals("abc.DEF-_~+/.xyz==", extract(headers("Bearer abc.DEF-_~+/.xyz==")));
  }

  @Test
  void schemeIsCaseInsensitive() throws AuthException {
    assertEquals("abc", extract(headers("bearer abc")));
    assertEquals("abc", extract(headers("BEARER abc")));
  }

  @Test
  void missingHeaderIsRejected() {
    assertRejected(new Metadata(), "missing bearer token");
    assertFalse(BearerTokens.present(new Metadata()));
  }

  @Test
  void twoHeadersAreRejectedEvenWhenBothAreValid() {
    Metadata headers = headers("Bearer first");
    headers.put(BearerTokens.AUTHORIZATION, "Bearer second");

    assertRejected(headers, "malformed authorization header");
  }

  @Test
  void otherSchemeIsRejected() {
    Metadata basic = headers("Basic YWxpY2U6c2VjcmV0");

    assertTrue(BearerTokens.present(basic));
    assertRejected(basic, "unsupported authorization scheme");
  }

  @Test
  void emptyTokenIsRejected() {
    assertRejected(headers("Bearer"), "malformed authorization header");
    assertRejected(headers("Bearer "), "malformed authorization header");
  }

  @Test
  void charactersOutsideB64TokenAreRejected() {
    assertRejected(headers("Bearer abc def"), "malformed authorization header");
    assertRejected(headers("Bearer abc,def"), "malformed authorization header");
    assertRejected(headers("Bearer ==abc"), "malformed authorization header");
    assertRejected(headers("Bearer abc=d"), "malformed authorization header");
  }

  @Test
  void tokenLongerThanTheLimitIsRejected() throws AuthException {
    assertEquals(MAX, extract(headers("Bearer " + "a".repeat(MAX))).length());
    assertRejected(headers("Bearer " + "a".repeat(MAX + 1)), "token too large");
  }

  @Test
  void removeTakesEveryAuthorizationHeaderAndLeavesTheRest() throws AuthException {
    Metadata headers = headers("Bearer first");
    headers.put(BearerTokens.AUTHORIZATION, "Bearer second");
    Metadata.Key<String> other = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    headers.put(other, "r-1");

    Iterable<byte[]> removed = BearerTokens.remove(headers);

    assertFalse(BearerTokens.present(headers));
    assertEquals("r-1", headers.get(other));
    assertNull(BearerTokens.single(removed));
    AuthException e = assertThrows(AuthException.class, () -> BearerTokens.extract(removed, MAX));
    assertEquals("malformed authorization header", e.status().getDescription());
    assertNull(BearerTokens.remove(headers));
    assertEquals("only", extract(headers("Bearer only")));
  }

  /** As the authentication interceptor reads a call's token. */
  private static String extract(Metadata headers) throws AuthException {
    return BearerTokens.extract(BearerTokens.remove(headers), MAX);
  }

  private static Metadata headers(String authorization) {
    Metadata headers = new Metadata();
    headers.put(BearerTokens.AUTHORIZATION, authorization);
    return headers;
  }

  private static void assertRejected(Metadata headers, String reason) {
    AuthException e = assertThrows(AuthException.class, () -> extract(headers));
    assertEquals(Status.Code.UNAUTHENTICATED, e.status().getCode());
    assertEquals(reason, e.status().getDescription());
  }
}
