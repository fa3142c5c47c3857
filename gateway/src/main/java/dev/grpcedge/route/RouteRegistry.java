package dev.grpcedge.route;

import dev.grpcedge.config.RouteConfig;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * grpc-java's fallback registry: every method the built-in services do not serve comes here. A routed method gets
 * its upstream's {@link Forwarder}; any other gets a handler that answers UNIMPLEMENTED. Both run behind the
 * gateway's one interceptor chain (installed on the server builder, which covers fallback methods), so a caller
 * without a valid token learns nothing of which services exist: UNAUTHENTICATED comes first.
 */
public final class RouteRegistry extends HandlerRegistry {
  private static final ServerCallHandler<byte[], byte[]> UNIMPLEMENTED = new ServerCallHandler<>() {
    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
      call.close(Status.UNIMPLEMENTED.withDescription("Method not found: "
          + call.getMethodDescriptor().getFullMethodName()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
  };

  private final Map<String, Forwarder> exact = new HashMap<>();
  private final Map<String, Forwarder> services = new HashMap<>();
  private final Map<String, Upstream> upstreamByService = new java.util.LinkedHashMap<>();

  /** @param identity signs the callers' identity for upstreams; null sends none */
  public RouteRegistry(List<RouteConfig> routes, Map<String, Upstream> upstreams, IdentityTokens identity) {
    for (RouteConfig route : routes) {
      Forwarder forwarder = new Forwarder(upstreams.get(route.upstream()), identity);
      for (String m : route.methods()) {
        upstreamByService.putIfAbsent(io.grpc.MethodDescriptor.extractFullServiceName(m), upstreams.get(route.upstream()));
        if (m.endsWith("/*")) {
          services.putIfAbsent(m.substring(0, m.length() - 2), forwarder);
        } else {
          exact.putIfAbsent(m, forwarder);
        }
      }
    }
  }

  /** Each service with a routed method, and the upstream of its first route. */
  public Map<String, Upstream> upstreamByService() {
    return java.util.Collections.unmodifiableMap(upstreamByService);
  }

  /** True when {@code fullMethodName} is routed to an upstream. */
  public boolean routes(String fullMethodName) {
    return forwarderOf(fullMethodName) != null;
  }

  private Forwarder forwarderOf(String method) {
    Forwarder f = exact.get(method);
    if (f == null) {
      int slash = method.indexOf('/');
      f = slash < 0 ? null : services.get(method.substring(0, slash));
    }
    return f;
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    Forwarder f = forwarderOf(methodName);
    return ServerMethodDefinition.create(Bytes.method(methodName), f == null ? UNIMPLEMENTED : f);
  }
}
