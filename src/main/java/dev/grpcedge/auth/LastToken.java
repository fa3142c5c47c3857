package dev.grpcedge.auth;

import io.grpc.Attributes;
import io.grpc.Metadata;
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
  record Seen(String header, Principal principal, long generation) {}

  /** The executor choice's verdict for the call whose headers these are, for its authentication to take. */
  private record Handoff(Metadata headers, Principal principal) {}

  private volatile Seen seen;
  private volatile Handoff handoff;

  Seen seen() {
    return seen;
  }

  void remember(Seen verified) {
    seen = verified;
  }

  /**
   * Leaves the verdict {@link JwtVerifier#lastVerified} gave the executor choice for the call with {@code headers}: its
   * authentication runs next, on the same thread, and takes it rather than reading the header again.
   */
  void handOff(Metadata headers, Principal principal) {
    handoff = new Handoff(headers, principal);
  }

  /** The verdict left for the call with exactly these {@code headers} (the same object), once; else null. */
  Principal take(Metadata headers) {
    Handoff left = handoff;
    if (left == null || left.headers() != headers) {
      return null;
    }
    handoff = null;
    return left.principal();
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
