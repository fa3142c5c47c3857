package dev.grpcedge.auth;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.MethodRule;
import dev.grpcedge.config.Suggestions;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The method rules checked against what the gateway serves. A pattern that matches nothing is an error: a typo
 * in a rule ({@code greeter.Greeter/Sayhello}) would otherwise drop its scopes without a word, leaving the method
 * to the default (any valid token). Every served method's access is then known, rule by rule.
 */
public final class RuleCoverage {
  private RuleCoverage() {}

  /**
   * What one served method requires, and which rule says so.
   *
   * @param rule the rule's key path ({@code auth.rules[0]}), or null when no rule names the method
   */
  public record MethodAccess(String method, String rule, MethodPolicy.Requirement requirement) {
    /** True when a rule names the method, by name or by its service's wildcard. */
    public boolean covered() {
      return rule != null;
    }
  }

  /**
   * Checks every pattern of {@code rules} against {@code served} and returns each served method's access, in the
   * order served.
   *
   * @throws ConfigException naming the first pattern that matches no served method, with the closest one
   */
  public static List<MethodAccess> check(List<MethodRule> rules, List<ServiceDescriptor> served) {
    return check(rules, served, List.of());
  }

  /**
   * As {@link #check(List, List)}, with {@code routed}: the patterns of {@code routes}, whose methods the gateway
   * forwards without knowing them. A rule may name a routed pattern, a method under a routed service wildcard, or
   * the wildcard of a service with a routed method; each routed pattern gets a row of its own.
   */
  public static List<MethodAccess> check(List<MethodRule> rules, List<ServiceDescriptor> served,
      List<String> routed) {
    Set<String> methods = new LinkedHashSet<>();
    Set<String> wildcards = new LinkedHashSet<>();
    for (ServiceDescriptor service : served) {
      wildcards.add(service.getName() + "/*");
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        methods.add(method.getFullMethodName());
      }
    }
    Set<String> known = new LinkedHashSet<>(methods);
    known.addAll(wildcards);
    for (String pattern : routed) {
      methods.add(pattern);
      known.add(pattern);
      known.add(MethodDescriptor.extractFullServiceName(pattern) + "/*");
    }
    for (int i = 0; i < rules.size(); i++) {
      List<String> patterns = rules.get(i).methods();
      for (int j = 0; j < patterns.size(); j++) {
        String pattern = patterns.get(j);
        boolean underRoutedService = routed.contains(MethodDescriptor.extractFullServiceName(pattern) + "/*");
        if (!known.contains(pattern) && !underRoutedService) {
          String hint = Suggestions.closest(pattern, known).map(c -> " (did you mean " + c + "?)")
              .orElse("; served: " + String.join(", ", wildcards));
          throw new ConfigException("auth.rules[" + i + "].methods[" + j + "]",
              pattern + " matches no served method" + hint);
        }
      }
    }
    MethodPolicy policy = MethodPolicy.from(rules);
    List<MethodAccess> access = new ArrayList<>();
    for (String method : methods) {
      access.add(new MethodAccess(method, ruleFor(rules, method), policy.requirementFor(method)));
    }
    return List.copyOf(access);
  }

  /** The served methods that no rule names: they get the default, any valid token. */
  public static List<String> uncovered(List<MethodAccess> access) {
    return access.stream().filter(a -> !a.covered()).map(MethodAccess::method).toList();
  }

  /** The key path of the rule that decides {@code method}, as {@link MethodPolicy} does: exact, then wildcard. */
  private static String ruleFor(List<MethodRule> rules, String method) {
    String wildcard = MethodDescriptor.extractFullServiceName(method) + "/*";
    int byWildcard = -1;
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).methods().contains(method)) {
        return "auth.rules[" + i + "]";
      }
      if (byWildcard < 0 && rules.get(i).methods().contains(wildcard)) {
        byWildcard = i;
      }
    }
    return byWildcard < 0 ? null : "auth.rules[" + byWildcard + "]";
  }
}
