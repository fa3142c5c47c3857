package dev.grpcedge.client.upstream;

import io.grpc.Context;
import java.time.Instant;
import java.util.Set;

/**
 * The caller of one call as grpc-edge verified it, read from the gateway's signed identity token by
 * {@link EdgeIdentityInterceptor}. A service reads it with {@link #current()}.
 */
public final class EdgeIdentity {
  static final Context.Key<EdgeIdentity> KEY = Context.key("grpc-edge.identity");

  private final String subject;
  private final Set<String> scopes;
  private final String originalIssuer;
  private final String clientId;
  private final String clientCertificateSubject;
  private final Instant expiresAt;

  EdgeIdentity(String subject, Set<String> scopes, String originalIssuer, String clientId,
      String clientCertificateSubject, Instant expiresAt) {
    this.subject = subject;
    this.scopes = Set.copyOf(scopes);
    this.originalIssuer = originalIssuer;
    this.clientId = clientId;
    this.clientCertificateSubject = clientCertificateSubject;
    this.expiresAt = expiresAt;
  }

  /** The current call's identity, or null outside a call that {@link EdgeIdentityInterceptor} accepted. */
  public static EdgeIdentity current() {
    return KEY.get();
  }

  /** The {@code sub} of the caller's token, or null for an anonymous caller of a public method. */
  public String subject() {
    return subject;
  }

  /** The caller's scopes, as the gateway verified them. */
  public Set<String> scopes() {
    return scopes;
  }

  /** The issuer of the caller's own token (the identity provider), or null for an anonymous caller. */
  public String originalIssuer() {
    return originalIssuer;
  }

  /** The caller's OAuth2 client ({@code client_id} or {@code azp}), or null. */
  public String clientId() {
    return clientId;
  }

  /** The subject of the caller's verified TLS client certificate, or null. */
  public String clientCertificateSubject() {
    return clientCertificateSubject;
  }

  /** When this identity token expires (never after the caller's own token). */
  public Instant expiresAt() {
    return expiresAt;
  }

  public boolean anonymous() {
    return subject == null;
  }

  @Override
  public String toString() {
    return "EdgeIdentity{subject=" + subject + ", scopes=" + scopes + ", originalIssuer=" + originalIssuer
        + (clientCertificateSubject == null ? "" : ", clientCertificate=" + clientCertificateSubject) + "}";
  }
}
