package dev.grpcedge.defence;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The defences' log: one WARN per troubled connection, never a stack trace, and at most a burst of 20 lines and 5 a
 * second in all, so that an attacker who opens connection after connection cannot flood it. Lines held back are
 * counted in the next line written.
 */
public final class DefenceLog {
  private static final Logger log = LoggerFactory.getLogger("dev.grpcedge.defence");

  private final Bucket lines = Bucket.builder()
      .addLimit(Bandwidth.builder().capacity(20).refillGreedy(5, Duration.ofSeconds(1)).build())
      .build();
  private final AtomicLong held = new AtomicLong();
  /** Connections cut or refused, by the config key of the defence (a fixed set), counted before lines are held. */
  private final Map<String, LongAdder> triggered = new ConcurrentHashMap<>();
  private static final Pattern KEY = Pattern.compile("\\((limits\\.[a-z0-9_.]+)\\)");

  /** A connection refused when accepted. */
  void refused(SocketAddress remote, String why) {
    count(why);
    warn("refused a connection from " + host(remote) + ": " + why);
  }

  /** The summary of a connection that was cut, or on which the client caused errors. */
  void connection(SocketAddress remote, String summary) {
    count(summary);
    warn("connection from " + host(remote) + " " + summary);
  }

  /** How many connections each defence cut or refused since start, by its config key. */
  public Map<String, Long> triggered() {
    Map<String, Long> out = new java.util.TreeMap<>();
    triggered.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private void count(String line) {
    Matcher m = KEY.matcher(line);
    // A connection closed over protocol errors alone names no limit.
    triggered.computeIfAbsent(m.find() ? m.group(1) : "protocol_errors", k -> new LongAdder()).increment();
  }

  private void warn(String line) {
    if (!lines.tryConsume(1)) {
      held.incrementAndGet();
      return;
    }
    long skipped = held.getAndSet(0);
    log.warn(skipped == 0 ? line : line + " (and " + skipped + " more defence lines held back)");
  }

  static String host(SocketAddress remote) {
    return remote instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress()
        : String.valueOf(remote);
  }
}
