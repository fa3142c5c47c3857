package dev.grpcedge.auth;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.MethodRule;
import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What each gRPC method requires of its caller, from the configured method rules; deny by default. */
public final class MethodPolicy {
  private static final String WILDCARD = "/*";
  // A method no rule names still needs a valid token: forgetting a rule must not open a method.
  private static final Requirement DEFAULT = new Requirement(false, Set.of());
  private static final int MAX_RESOLVED = 4096;

  private final Map<String, Requirement> byMethod;
  private final Map<String, Requirement> byService;
  // Answers per full method name, so a call pays one lookup, not a service-name substring and two. A server asks
  // only for its registered methods; the bound keeps a caller passing arbitrary names from growing it.
  private final Map<String, Requirement> resolved = new ConcurrentHashMap<>();

  private MethodPolicy(Map<String, Requirement> byMethod, Map<String, Requirement> byService) {
    this.byMethod = Map.copyOf(byMethod);
    this.byService = Map.copyOf(byService);
  }

  /**
   * Indexes {@code rules} by exact method name and by service wildcard ({@code package.Service/*}).
   *
   * @throws ConfigException when one method name or wildcard appears in more than one rule
   */
  public static MethodPolicy from(List<MethodRule> rules) {
    Map<String, Requirement> byMethod = new HashMap<>();
    Map<String, Requirement> byService = new HashMap<>();
    for (MethodRule rule : rules) {
      Requirement requirement =
          new Requirement(rule.isPublic(), rule.scopes(), rule.clientCert(), rule.endStreamsAtExpiry());
      for (String method : rule.methods()) {
        Requirement previous = method.endsWith(WILDCARD)
            ? byService.put(method.substring(0, method.length() - WILDCARD.length()), requirement)
            : byMethod.put(method, requirement);
        if (previous != null) {
          // Two rules for one name would leave its requirement to the order of the file.
          throw new ConfigException("auth.rules", method + " appears in more than one rule");
        }
      }
    }
    return new MethodPolicy(byMethod, byService);
  }

  /** The requirement for {@code fullMethodName}: its exact rule, else its service's wildcard, else a token. */
  public Requirement requirementFor(String fullMethodName) {
    Requirement known = resolved.get(fullMethodName);
    if (known != null) {
      return known;
    }
    Requirement requirement = resolve(fullMethodName);
    if (resolved.size() < MAX_RESOLVED) {
      resolved.put(fullMethodName, requirement);
    }
    return requirement;
  }

  private Requirement resolve(String fullMethodName) {
    Requirement exact = byMethod.get(fullMethodName);
    if (exact != null) {
      return exact;
    }
    String service = MethodDescriptor.extractFullServiceName(fullMethodName);
    return service == null ? DEFAULT : byService.getOrDefault(service, DEFAULT);
  }

  /**
   * What one method requires.
   *
   * @param isPublic true when the method may be called without a token
   * @param scopes scopes the token must carry, all of them
   * @param clientCert true when the caller must also present a verified TLS client certificate
   * @param endStreamsAtExpiry true to end a streaming call when its token expires
   */
  public record Requirement(boolean isPublic, Set<String> scopes, boolean clientCert, boolean endStreamsAtExpiry) {
    public Requirement {
      scopes = Set.copyOf(scopes);
    }

    /** A requirement with the defaults: no client certificate, streams end at token expiry. */
    public Requirement(boolean isPublic, Set<String> scopes) {
      this(isPublic, scopes, false, true);
    }
  }
}
