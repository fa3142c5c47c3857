package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * One item of {@code limits.callers}: what each caller may do on a set of methods. A caller is the token's issuer
 * and subject, else the client certificate's subject, else the client's IP address. Methods match as in
 * {@code auth.rules}: an exact method beats its service's wildcard. 0 turns one limit of the rule off.
 *
 * @param methods full method names or service wildcards
 * @param callsPerSecond calls a caller may start per second, on average
 * @param burst calls a caller may start at once after a quiet spell
 * @param concurrentCalls calls of one caller in flight at once on this gateway
 * @param messagesPerSecond request messages a caller may send per second, on all its streams together
 * @param messageBurst request messages at once after a quiet spell
 * @param overMessageRate what a stream over {@code messages_per_second} gets
 */
public record CallerLimit(List<String> methods, int callsPerSecond, int burst, int concurrentCalls,
    int messagesPerSecond, int messageBurst, OverRate overMessageRate) {
  public CallerLimit {
    methods = List.copyOf(methods);
  }

  /** What happens to a stream whose caller sends messages faster than its rate. */
  public enum OverRate {
    /** The gateway stops reading the stream until the caller's bucket refills: HTTP/2 flow control slows it. */
    PUSHBACK,
    /** The stream ends with RESOURCE_EXHAUSTED. */
    FAIL
  }

  /** The rule used when {@code limits.callers} is left out: generous, but a bound on every caller. */
  public static final CallerLimit DEFAULT = new CallerLimit(List.of("*"), 1000, 2000, 200, 2000, 4000,
      OverRate.PUSHBACK);

  /** Binds one item of {@code limits.callers}. */
  @JsonCreator
  static CallerLimit bind(@JsonProperty("methods") List<String> methods,
      @JsonProperty("calls_per_second") Integer callsPerSecond, @JsonProperty("burst") Integer burst,
      @JsonProperty("concurrent_calls") Integer concurrentCalls,
      @JsonProperty("messages_per_second") Integer messagesPerSecond,
      @JsonProperty("message_burst") Integer messageBurst,
      @JsonProperty("over_message_rate") String overMessageRate) {
    // Validated as auth.rules' methods are; "*" alone means every method.
    List<String> m = methods != null && methods.equals(List.of("*")) ? methods
        : MethodRule.bind(methods, null, null, null, null).methods();
    int rate = Checks.integer("calls_per_second", callsPerSecond, 0, 0, 10_000_000);
    int messages = Checks.integer("messages_per_second", messagesPerSecond, 0, 0, 100_000_000);
    OverRate over;
    try {
      over = overMessageRate == null ? OverRate.PUSHBACK
          : OverRate.valueOf(overMessageRate.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("over_message_rate", "expected pushback or fail, got '" + overMessageRate + "'");
    }
    return new CallerLimit(m, rate, Checks.integer("burst", burst, Math.max(1, rate), 0, 100_000_000),
        Checks.integer("concurrent_calls", concurrentCalls, 0, 0, 1_000_000), messages,
        Checks.integer("message_burst", messageBurst, Math.max(1, messages), 0, 1_000_000_000), over);
  }
}
