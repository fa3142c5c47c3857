package dev.grpcedge.limits;

import dev.grpcedge.config.CallerLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which rule a method falls under: its own name, else its service's wildcard, else {@code *}. */
final class Rules {
  private final Map<String, Rule> exact = new HashMap<>();
  private final Map<String, Rule> services = new HashMap<>();
  private final Rule everything;
  private final ConcurrentHashMap<String, Object> resolved = new ConcurrentHashMap<>();
  private static final Object NONE = new Object();
  private static final int MAX_RESOLVED = 4096;

  Rules(List<CallerLimit> limits) {
    Rule star = null;
    List<Rule> compiled = new ArrayList<>();
    for (int i = 0; i < limits.size(); i++) {
      Rule rule = new Rule(i, limits.get(i));
      compiled.add(rule);
      for (String m : limits.get(i).methods()) {
        if (m.equals("*")) {
          star = star == null ? rule : star;
        } else if (m.endsWith("/*")) {
          services.putIfAbsent(m.substring(0, m.length() - 2), rule);
        } else {
          exact.putIfAbsent(m, rule);
        }
      }
    }
    this.everything = star;
  }

  Rule of(String method) {
    Object r = resolved.get(method);
    if (r == null) {
      Rule rule = exact.get(method);
      if (rule == null) {
        int slash = method.indexOf('/');
        rule = slash < 0 ? null : services.get(method.substring(0, slash));
      }
      if (rule == null) {
        rule = everything;
      }
      r = rule == null ? NONE : rule;
      // Bounded: unknown methods reach this interceptor too (they are answered UNIMPLEMENTED after the chain).
      if (resolved.size() < MAX_RESOLVED) {
        resolved.putIfAbsent(method, r);
      }
    }
    return r == NONE ? null : (Rule) r;
  }

  /** How long the slowest bucket takes to refill from empty (at least a minute). */
  static Duration longestRefill(List<CallerLimit> limits) {
    long seconds = 60;
    for (CallerLimit l : limits) {
      if (l.callsPerSecond() > 0) {
        seconds = Math.max(seconds, (l.burst() + l.callsPerSecond() - 1) / l.callsPerSecond());
      }
      if (l.messagesPerSecond() > 0) {
        seconds = Math.max(seconds, (l.messageBurst() + l.messagesPerSecond() - 1) / l.messagesPerSecond());
      }
    }
    return Duration.ofSeconds(seconds);
  }
}
