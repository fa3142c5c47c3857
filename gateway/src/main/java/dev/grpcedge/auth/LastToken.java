package dev.grpcedge.auth;

import io.grpc.Attributes;
import io.grpc.ServerCall;
import io.grpc.ServerTransportFilter;

/**
 * The last token verified on one connection, with its principal. A client sends the same token with call after
 * call, so comparing the header with this one spares nearly every call the shared {@link TokenCache}'s SHA-256
 * digest and lookup. It holds no token the connection does not hold already: the connection's HPACK table keeps
 * the header as long as the connection lives. Its verdicts are the cache's: it is used only when the cache is on,
 * {@code exp} is checked on every hit, and a key-set change since the token was verified voids it.
 */
public final class LastToken {
  private static final Attributes.Key<LastToken> KEY = Attributes.Key.create("grpc-edge.last-token");

  /** A verified token as its {@code authorization} value, its principal, and the cache generation then. */
  record Seen(byte[] header, Principal principal, long generation) {}

  private volatile Seen seen;

  Seen seen() {
    return seen;
  }

  /** Remembers {@code token}, verified as {@code principal} at cache {@code generation}, as the connection's last. */
  void remember(String token, Principal principal, long generation) {
    seen = new Seen(BearerTokens.header(token), principal, generation);
  }

  /** The connection's memo, or null on a server without {@link #filter()}. */
  static LastToken of(ServerCall<?, ?> call) {
    return call.getAttributes().get(KEY);
  }

  /** Gives every new connection its own memo. */
  public static ServerTransportFilter filter() {
    return new ServerTransportFilter() {
      @Override
      public Attributes transportReady(Attributes transportAttrs) {
        return transportAttrs.toBuilder().set(KEY, new LastToken()).build();
      }
    };
  }
}
