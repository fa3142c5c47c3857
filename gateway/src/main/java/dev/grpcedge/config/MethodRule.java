package dev.grpcedge.config;

import java.util.List;
import java.util.Set;

/**
 * What a set of methods requires of a caller.
 *
 * @param methods full method names ({@code greeter.Greeter/SayHello}) or service wildcards
 *     ({@code greeter.Greeter/*})
 * @param scopes scopes the token must carry, all of them
 * @param isPublic true when the methods need no token at all
 * @param clientCert true when the caller must also present a verified TLS client certificate
 * @param endStreamsAtExpiry true to end a streaming call with UNAUTHENTICATED when its token expires
 */
public record MethodRule(
    List<String> methods, Set<String> scopes, boolean isPublic, boolean clientCert, boolean endStreamsAtExpiry) {
  public MethodRule {
    methods = List.copyOf(methods);
    scopes = Set.copyOf(scopes);
  }

  /** A rule with the defaults: no client certificate, streams end at token expiry. */
  public MethodRule(List<String> methods, Set<String> scopes, boolean isPublic) {
    this(methods, scopes, isPublic, false, true);
  }
}
