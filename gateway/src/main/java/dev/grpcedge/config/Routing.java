package dev.grpcedge.config;

import dev.grpcedge.config.SecurityConfig.Risk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The checks of {@code routes} against {@code upstreams}, with the key path of what is wrong. */
final class Routing {
  private Routing() {}

  static void check(List<RouteConfig> routes, Map<String, UpstreamConfig> upstreams, SecurityConfig security) {
    Map<String, String> routedBy = new HashMap<>();
    for (int i = 0; i < routes.size(); i++) {
      RouteConfig route = routes.get(i);
      if (!upstreams.containsKey(route.upstream())) {
        throw new ConfigException("routes[" + i + "].upstream", "no upstream named '" + route.upstream() + "'"
            + (upstreams.isEmpty() ? " (upstreams is empty)"
                : Suggestions.didYouMean(route.upstream(), upstreams.keySet())));
      }
      for (int j = 0; j < route.methods().size(); j++) {
        String pattern = route.methods().get(j);
        String first = routedBy.putIfAbsent(pattern, "routes[" + i + "]");
        if (first != null) {
          throw new ConfigException("routes[" + i + "].methods[" + j + "]", pattern + " is routed by " + first
              + " already");
        }
      }
    }
    upstreams.forEach((name, upstream) -> {
      if (upstream.plaintext() && !upstream.loopbackOnly()
          && !security.acceptedRisks().contains(Risk.PLAINTEXT_UPSTREAMS)) {
        throw Risk.PLAINTEXT_UPSTREAMS.refusal("upstreams." + name + ".plaintext", "true to a host that is not"
            + " loopback");
      }
    });
  }
}
