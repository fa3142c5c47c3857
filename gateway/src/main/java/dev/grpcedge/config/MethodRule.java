package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashSet;
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

  /** Binds one item of {@code auth.rules}. */
  @JsonCreator
  static MethodRule bind(@JsonProperty("methods") List<String> methods, @JsonProperty("scopes") List<String> scopes,
      @JsonProperty("public") Boolean isPublic, @JsonProperty("client_cert") String clientCert,
      @JsonProperty("end_streams_at_expiry") Boolean endStreamsAtExpiry) {
    if (methods == null || methods.isEmpty()) {
      throw new ConfigException("methods", "at least one method is required");
    }
    for (int i = 0; i < methods.size(); i++) {
      String m = methods.get(i);
      int slash = m == null ? -1 : m.indexOf('/');
      if (slash <= 0 || slash == m.length() - 1 || m.indexOf('/', slash + 1) >= 0
          || (m.contains("*") && !m.endsWith("/*"))) {
        throw new ConfigException("methods[" + i + "]",
            "expected package.Service/Method or package.Service/*, got '" + m + "'");
      }
    }
    List<String> required = Checks.list(scopes);
    boolean open = Checks.bool(isPublic, false);
    if (open && !required.isEmpty()) {
      throw new ConfigException("public", "a public rule cannot also require scopes");
    }
    String cert = clientCert == null ? "optional" : clientCert.trim();
    if (!cert.equals("required") && !cert.equals("optional")) {
      throw new ConfigException("client_cert", "expected required or optional, got '" + cert + "'");
    }
    return new MethodRule(methods, new LinkedHashSet<>(required), open, cert.equals("required"),
        Checks.bool(endStreamsAtExpiry, true));
  }
}
