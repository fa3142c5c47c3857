package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.MethodRule;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every rule pattern must match a served method; the error names the rule and the closest method. */
class RuleCoverageTest {
  private static final List<io.grpc.ServiceDescriptor> SERVED = List.of(GreeterGrpc.getServiceDescriptor());

  private static String error(String... patterns) {
    return assertThrows(ConfigException.class, () -> RuleCoverage.check(
        List.of(new MethodRule(List.of("greeter.Greeter/SayHello"), Set.of(), false),
            new MethodRule(List.of(patterns), Set.of("greet"), false)), SERVED)).getMessage();
  }

  @Test
  void wrongCaseInAMethodIsCaughtWithTheRightSpelling() {
    assertEquals("auth.rules[1].methods[0]: greeter.Greeter/sayhelloagain matches no served method (did you mean"
        + " greeter.Greeter/SayHelloAgain?)", error("greeter.Greeter/sayhelloagain"));
  }

  @Test
  void misspeltServiceWildcardIsCaught() {
    assertEquals("auth.rules[1].methods[1]: greeter.Greter/* matches no served method (did you mean"
        + " greeter.Greeter/*?)", error("greeter.Greeter/BidiHello", "greeter.Greter/*"));
  }

  @Test
  void exactRuleWinsOverTheWildcardAsInThePolicy() {
    var access = RuleCoverage.check(List.of(new MethodRule(List.of("greeter.Greeter/*"), Set.of("greet"), false),
        new MethodRule(List.of("greeter.Greeter/SayHello"), Set.of(), true)), SERVED);
    assertEquals("auth.rules[1]", access.get(0).rule());
    assertEquals(true, access.get(0).requirement().isPublic());
    assertEquals("auth.rules[0]", access.get(1).rule());
    assertEquals(Set.of("greet"), access.get(1).requirement().scopes());
    assertEquals(List.of(), RuleCoverage.uncovered(access));
  }
}
