package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One item of {@code routes}: methods that go to an upstream instead of a built-in service. Methods match as in
 * {@code auth.rules}: {@code package.Service/Method} beats {@code package.Service/*}.
 *
 * @param methods full method names or service wildcards
 * @param upstream the name of an item of {@code upstreams}
 */
public record RouteConfig(List<String> methods, String upstream) {
  public RouteConfig {
    methods = List.copyOf(methods);
  }

  @JsonCreator
  static RouteConfig bind(@JsonProperty("methods") List<String> methods, @JsonProperty("upstream") String upstream) {
    List<String> m = MethodRule.bind(methods, null, null, null, null).methods();
    return new RouteConfig(m, Checks.required("upstream", upstream, "the name of an item of upstreams"));
  }
}
