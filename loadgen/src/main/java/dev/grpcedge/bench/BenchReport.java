package dev.grpcedge.bench;

import io.grpc.Status;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The result of one measured run: {@code OK} operations per second, errors by status code, and latency
 * percentiles of the {@code OK} operations, as text for people or JSON for machines.
 *
 * @param latencies microseconds
 * @param serverCpuSeconds CPU time the server used in the measured period, NaN when not measured
 */
public record BenchReport(String label, String target, String method, String shape, int connections,
    double seconds, long ok, Map<Status.Code, Long> errors, Histogram latencies, double serverCpuSeconds) {

  /** The percentiles every report shows. */
  static final double[] PERCENTILES = {50, 90, 99, 99.9};

  public double okPerSecond() {
    return seconds > 0 ? ok / seconds : 0;
  }

  /** OK operations per second of server CPU time, NaN when the server's CPU time was not measured. */
  public double okPerServerCpuSecond() {
    return serverCpuSeconds > 0 ? ok / serverCpuSeconds : Double.NaN;
  }

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The latency at {@code percentile} in milliseconds. */
  public double millisAt(double percentile) {
    return latencies.getValueAtPercentile(percentile) / 1000.0;
  }

  public double maxMillis() {
    return latencies.getMaxValue() / 1000.0;
  }

  public String text() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%s: %s, %s, %d connection(s), %.1f s measured against %s%n",
        label, method, shape, connections, seconds, target));
    out.append(String.format(Locale.ROOT, "  OK/s      %.1f  (%d OK, %d errors)%n", okPerSecond(), ok, errorCount()));
    if (serverCpuSeconds > 0) {
      out.append(String.format(Locale.ROOT, "  server    %.2f CPU-seconds, %.1f OK per server CPU-second%n",
          serverCpuSeconds, okPerServerCpuSecond()));
    }
    if (!errors.isEmpty()) {
      StringJoiner codes = new StringJoiner(" ");
      errors.forEach((code, n) -> codes.add(code + "=" + n));
      out.append("  errors    ").append(codes).append('\n');
    }
    out.append(String.format(Locale.ROOT, "  latency   p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms%n",
        millisAt(50), millisAt(90), millisAt(99), millisAt(99.9), maxMillis()));
    return out.toString();
  }

  public String json() {
    StringJoiner errorsJson = new StringJoiner(",", "{", "}");
    errors.forEach((code, n) -> errorsJson.add(quote(code.name()) + ":" + n));
    return String.format(Locale.ROOT,
        "{\"label\":%s,\"target\":%s,\"method\":%s,\"shape\":%s,\"connections\":%d,\"seconds\":%.3f,"
            + "\"ok\":%d,\"ok_per_second\":%.1f,\"errors\":%s,\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,"
            + "\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f}%s}",
        quote(label), quote(target), quote(method), quote(shape), connections, seconds, ok, okPerSecond(),
        errorsJson, millisAt(50), millisAt(90), millisAt(99), millisAt(99.9), maxMillis(),
        serverCpuSeconds > 0 ? String.format(Locale.ROOT, ",\"server_cpu_seconds\":%.3f,\"ok_per_server_cpu_second\":%.1f",
            serverCpuSeconds, okPerServerCpuSecond()) : "");
  }

  /** The latency distribution as {@code percentile<TAB>milliseconds} lines, for the chart. */
  public String percentileTable() {
    StringBuilder out = new StringBuilder("percentile\tmillis\n");
    if (latencies.getTotalCount() == 0) {
      return out.toString();
    }
    for (HistogramIterationValue v : latencies.percentiles(5)) {
      out.append(String.format(Locale.ROOT, "%.5f\t%.4f%n",
          v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / 1000.0));
    }
    return out.toString();
  }

  /** {@code s} as a JSON string. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
