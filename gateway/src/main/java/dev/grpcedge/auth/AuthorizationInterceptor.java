package dev.grpcedge.auth;

import dev.grpcedge.tls.PeerCertificates;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a call through only when the authenticated {@link Principal} holds every scope its method requires, and
 * the connection carries a verified client certificate when the method's rule says {@code client_cert: required}.
 * Runs after {@link AuthenticationInterceptor}.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AuthorizationInterceptor.class);

  private final MethodPolicy policy;

  public AuthorizationInterceptor(MethodPolicy policy) {
    this.policy = policy;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    MethodPolicy.Requirement requirement = policy.requirementFor(method);
    if (requirement.clientCert() && PeerCertificates.of(call).isEmpty()) {
      // A missing credential, like a missing token: UNAUTHENTICATED rather than PERMISSION_DENIED.
      return refuse(call, method, Status.UNAUTHENTICATED.withDescription("client certificate required"));
    }
    if (requirement.isPublic()) {
      return next.startCall(call, headers);
    }
    Principal principal = AuthContext.current();
    if (principal == null) {
      // Only if authentication was left out of the chain; refuse rather than trust an unverified call.
      return refuse(call, method, Status.UNAUTHENTICATED.withDescription("missing bearer token"));
    }
    if (!principal.scopes().containsAll(requirement.scopes())) {
      Set<String> missing = new TreeSet<>(requirement.scopes());
      missing.removeAll(principal.scopes());
      String description = "missing scope: " + String.join(", ", missing);
      return refuse(call, method, Status.PERMISSION_DENIED.withDescription(description));
    }
    return next.startCall(call, headers);
  }

  private static <ReqT> ServerCall.Listener<ReqT> refuse(ServerCall<ReqT, ?> call, String method, Status status) {
    log.debug("denied {}: {} {}", method, status.getCode(), status.getDescription());
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
