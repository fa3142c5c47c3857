package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.grpcedge.auth.TokenCacheTest.CountingKeys;
import dev.grpcedge.auth.TokenCacheTest.MovableClock;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Which calls leave the event loop: only those whose token still has to be verified (which may mean fetching
 * keys). One class under test, so the calls are stand-ins carrying a connection's attributes; that a slow key
 * fetch holds up no other call over real TLS is in {@code IdentityProviderOverTlsTest}.
 */
class AuthCallExecutorSupplierTest {
  private static final Executor OFFLOAD = Runnable::run;

  private final MovableClock clock = new MovableClock();
  private final TestIssuer issuer = TestIssuer.create("https://issuer.example", "grpc-edge", clock);

  /** A call on a connection of its own: fresh transport attributes, so a fresh {@link LastToken}. */
  private static ServerCall<Void, Void> callOnNewConnection() {
    Attributes attributes = LastToken.filter().transportReady(Attributes.EMPTY);
    return new ServerCall<>() {
      @Override public void request(int numMessages) {}
      @Override public void sendHeaders(Metadata headers) {}
      @Override public void sendMessage(Void message) {}
      @Override public void close(Status status, Metadata trailers) {}
      @Override public boolean isCancelled() {
        return false;
      }
      @Override public Attributes getAttributes() {
        return attributes;
      }
      @Override public MethodDescriptor<Void, Void> getMethodDescriptor() {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static Metadata authorization(String value) {
    Metadata headers = new Metadata();
    headers.put(BearerTokens.AUTHORIZATION, value);
    return headers;
  }

  private AuthCallExecutorSupplier supplier(JwtVerifier verifier) {
    return new AuthCallExecutorSupplier(verifier, 8192, OFFLOAD);
  }

  @Test
  void callsWithoutAVerifiableTokenStayOnTheEventLoop() {
    var supplier = supplier(TokenCacheTest.verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, true));
    ServerCall<Void, Void> call = callOnNewConnection();

    assertNull(supplier.getExecutor(call, new Metadata()), "no token: public, or refused at once");
    assertNull(supplier.getExecutor(call, authorization("Basic dXNlcjpwYXNz")), "not a bearer token");
    assertNull(supplier.getExecutor(call, authorization("Bearer " + "a".repeat(9000))), "over max_token_bytes");
  }

  @Test
  void aTokenIsOffloadedUntilVerifiedThenStaysOnTheEventLoopOnAnyConnection() throws AuthException {
    JwtVerifier verifier = TokenCacheTest.verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, true);
    var supplier = supplier(verifier);
    ServerCall<Void, Void> call = callOnNewConnection();
    String alice = issuer.token().sub("alice").sign();
    String bob = issuer.token().sub("bob").sign();

    assertSame(OFFLOAD, supplier.getExecutor(call, authorization("Bearer " + alice)));
    verifier.verify(alice, LastToken.of(call));

    assertNull(supplier.getExecutor(call, authorization("Bearer " + alice)), "the connection's last token");
    assertNull(supplier.getExecutor(callOnNewConnection(), authorization("Bearer " + alice)), "the cache");
    assertSame(OFFLOAD, supplier.getExecutor(call, authorization("Bearer " + bob)), "another token");
  }

  @Test
  void theLastTokensVerdictIsLeftForThatCallsAuthenticationOnlyAndOnce() throws AuthException {
    JwtVerifier verifier = TokenCacheTest.verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, true);
    var supplier = supplier(verifier);
    ServerCall<Void, Void> call = callOnNewConnection();
    LastToken connection = LastToken.of(call);
    String alice = issuer.token().sub("alice").sign();
    String bob = issuer.token().sub("bob").sign();
    Metadata bobsCall = authorization("Bearer " + bob);
    assertSame(OFFLOAD, supplier.getExecutor(call, bobsCall));
    assertNull(connection.take(bobsCall), "no verdict yet: nothing left for an offloaded call");
    verifier.verify(alice, connection);

    Metadata alicesCall = authorization("Bearer " + alice);
    assertNull(supplier.getExecutor(call, alicesCall));

    assertNull(connection.take(authorization("Bearer " + alice)), "another call's headers, though the same token");
    assertEquals("alice", connection.take(alicesCall).subject());
    assertNull(connection.take(alicesCall), "taken once");
  }

  @Test
  void anExpiredTokenIsOffloadedAgain() throws AuthException {
    JwtVerifier verifier = TokenCacheTest.verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, true);
    var supplier = supplier(verifier);
    ServerCall<Void, Void> call = callOnNewConnection();
    String token = issuer.token().exp(clock.now.plusSeconds(30)).sign();
    verifier.verify(token, LastToken.of(call));

    clock.now = clock.now.plusSeconds(120);

    assertSame(OFFLOAD, supplier.getExecutor(call, authorization("Bearer " + token)));
  }

  @Test
  void withTheCacheOffEveryTokenIsOffloaded() throws AuthException {
    JwtVerifier verifier = TokenCacheTest.verifier(issuer, new CountingKeys(issuer.publicJwks()), clock, false);
    var supplier = supplier(verifier);
    ServerCall<Void, Void> call = callOnNewConnection();
    String token = issuer.token().sign();
    verifier.verify(token, LastToken.of(call));

    assertSame(OFFLOAD, supplier.getExecutor(call, authorization("Bearer " + token)));
  }
}
