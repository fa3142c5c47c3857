package dev.grpcedge.server;

import dev.grpcedge.auth.RuleCoverage;
import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.config.SecurityConfig;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import java.util.List;

/** What the gateway serves, built-in and routed, and what its rules require of each method's callers. */
public final class ServedMethods {
  /** The built-in services {@link GatewayServer#start} binds, for checking rules before anything is bound. */
  static final List<ServiceDescriptor> SERVED = List.of(GreeterGrpc.getServiceDescriptor(),
      HealthGrpc.getServiceDescriptor(), ServerReflectionGrpc.getServiceDescriptor());

  private ServedMethods() {}

  /**
   * Every method the gateway serves, with what the config's rules require of its callers.
   *
   * @throws ConfigException when a rule's pattern matches no served method, when a route takes the gateway's own
   *     health service or one method of a built-in service, or when every served method is public and
   *     {@code security.accept_risks} does not say that is meant
   */
  public static List<RuleCoverage.MethodAccess> access(GatewayConfig config) {
    List<String> routed = config.routes().stream().flatMap(r -> r.methods().stream()).toList();
    List<ServiceDescriptor> builtIn = SERVED.stream()
        .filter(s -> !routed.contains(s.getName() + "/*")).toList();
    for (int i = 0; i < config.routes().size(); i++) {
      List<String> methods = config.routes().get(i).methods();
      for (int j = 0; j < methods.size(); j++) {
        String service = MethodDescriptor.extractFullServiceName(methods.get(j));
        if (service.equals(HealthGrpc.SERVICE_NAME)) {
          throw new ConfigException("routes[" + i + "].methods[" + j + "]", "the gateway's own"
              + " health service cannot be routed");
        }
        if (!methods.get(j).endsWith("/*") && SERVED.stream().anyMatch(s -> s.getName().equals(service))) {
          throw new ConfigException("routes[" + i + "].methods[" + j + "]", methods.get(j)
              + " is one method of a built-in service; route the whole service (" + service + "/*)");
        }
      }
    }
    List<RuleCoverage.MethodAccess> access = RuleCoverage.check(config.auth().rules(), builtIn, routed);
    if (access.stream().allMatch(a -> a.requirement().isPublic())
        && !config.security().acceptedRisks().contains(SecurityConfig.Risk.PUBLIC_METHODS)) {
      throw SecurityConfig.Risk.PUBLIC_METHODS.refusal("auth.rules", "public: true on every served method");
    }
    return access;
  }
}
