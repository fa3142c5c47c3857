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
 * @param endStreamsAtExpiry true to end a streaming call with UNAUTHENTICATED when its token expires
 */
public record MethodRule(List<String> methods, Set<String> scopes, boolean isPublic, boolean endStreamsAtExpiry) {
  public MethodRule {
    methods = List.copyOf(methods);
    scopes = Set.copyOf(scopes);
  }

  /** A rule that ends streams at token expiry (the default). */
  public MethodRule(List<String> methods, Set<String> scopes, boolean isPublic) {
    this(methods, scopes, isPublic, true);
  }
}
