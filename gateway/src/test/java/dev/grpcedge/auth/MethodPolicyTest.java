package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.grpcedge.auth.MethodPolicy.Requirement;
import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.MethodRule;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MethodPolicyTest {
  private final MethodPolicy policy = MethodPolicy.from(List.of(
      new MethodRule(List.of("greeter.Greeter/*"), Set.of("greet"), false),
      new MethodRule(List.of("greeter.Greeter/BidiHello"), Set.of("greet", "stream"), false),
      new MethodRule(List.of("greeter.Greeter/SayHelloAgain", "grpc.health.v1.Health/*"), Set.of(), true)));

  @Test
  void exactMethodRuleWinsOverServiceWildcard() {
    assertEquals(new Requirement(false, Set.of("greet", "stream")),
        policy.requirementFor("greeter.Greeter/BidiHello"));
    assertEquals(new Requirement(true, Set.of()), policy.requirementFor("greeter.Greeter/SayHelloAgain"));
  }

  @Test
  void serviceWildcardCoversItsOtherMethods() {
    assertEquals(new Requirement(false, Set.of("greet")), policy.requirementFor("greeter.Greeter/SayHello"));
  }

  @Test
  void publicWildcardMakesEveryMethodOfItsServicePublic() {
    assertEquals(new Requirement(true, Set.of()), policy.requirementFor("grpc.health.v1.Health/Check"));
  }

  @Test
  void methodWithoutRuleRequiresTokenAndNoScope() {
    Requirement tokenOnly = new Requirement(false, Set.of());
    assertEquals(tokenOnly, policy.requirementFor("admin.Admin/Shutdown"));
    assertEquals(tokenOnly, policy.requirementFor("greeter.GreeterV2/SayHello"));
    assertEquals(tokenOnly, policy.requirementFor("no-slash"));
  }

  @Test
  void methodNamedInTwoRulesIsAConfigError() {
    List<MethodRule> rules = List.of(
        new MethodRule(List.of("greeter.Greeter/SayHello"), Set.of(), true),
        new MethodRule(List.of("greeter.Greeter/SayHello"), Set.of("greet"), false));

    ConfigException e = assertThrows(ConfigException.class, () -> MethodPolicy.from(rules));

    assertEquals("auth.rules: greeter.Greeter/SayHello appears in more than one rule", e.getMessage());
  }
}
