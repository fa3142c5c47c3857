package dev.grpcedge.bench;

import dev.grpcedge.bench.TakingTurns.Result;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The comparison a {@link TakingTurns} run makes: the median over pairs of turns of A / B, in OK per second and,
 * when both servers' CPU time was read, per server CPU-second; as text, or as JSON with every pair's ratio and
 * every turn's side and OK count; and the median over pairs of A / B of each turn's p50 and p99 latency. The
 * throughput and p99 medians come with bootstrap 95% intervals ({@code ratio_ci95}, {@code p99_ratio_ci95}). A
 * ratio that cannot be had (a side with no OK call) is {@code null} in JSON.
 */
public record TurnsReport(String label, Duration slice, Result result) {
  public String json() {
    List<Double> perCpu = result.pairRatiosPerCpuSecond();
    String cpuFields = perCpu.isEmpty() ? "" : ",\"ratio_per_server_cpu_second\":" + number(Result.median(perCpu))
        + ",\"pair_ratios_per_server_cpu_second\":" + list(perCpu);
    List<Double> ratios = result.pairRatios();
    List<Double> p99 = result.pairLatencyRatios(99);
    return String.format(Locale.ROOT, "{\"label\":%s,\"slice_seconds\":%.3f,\"pairs\":%d,\"ratio\":%s%s,"
            + "\"pair_ratios\":%s,\"ratio_ci95\":%s,\"p50_ratio\":%s,\"p99_ratio\":%s,\"p99_ratio_ci95\":%s,"
            + "\"pair_p99_ratios\":%s,\"slice_sides\":\"%s\",\"slice_ok\":%s}",
        BenchReport.quote(label), slice.toNanos() / 1e9, result.slices().size() / 2,
        number(Result.median(ratios)), cpuFields, list(ratios), interval(ratios),
        number(Result.median(result.pairLatencyRatios(50))),
        number(Result.median(p99)), interval(p99), list(p99),
        result.slices().stream().map(s -> s.side() == 0 ? "A" : "B").collect(Collectors.joining()),
        result.slices().stream().map(s -> Long.toString(s.ok())).collect(Collectors.joining(",", "[", "]")));
  }

  public String text() {
    List<Double> ratios = result.pairRatios();
    List<Double> perCpu = result.pairRatiosPerCpuSecond();
    double[] ci = Result.medianInterval(ratios);
    return String.format(Locale.ROOT, "%s: A / B %.3f (95%% interval %.3f-%.3f), median of %d pairs of %s turns "
            + "(pairs from %.3f to %.3f)%s; latency A / B p50 %.3f, p99 %.3f (medians of the pairs)%n",
        label, Result.median(ratios), ci[0], ci[1], ratios.size(), slice.toMillis() + " ms",
        ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
        ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
        perCpu.isEmpty() ? "" : String.format(Locale.ROOT, "; per server CPU-second %.3f", Result.median(perCpu)),
        Result.median(result.pairLatencyRatios(50)), Result.median(result.pairLatencyRatios(99)));
  }

  private static String number(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "null";
  }

  /** The bootstrap 95% interval of the median of {@code values}, as a JSON pair (nulls when there are none). */
  private static String interval(List<Double> values) {
    double[] ci = Result.medianInterval(values);
    return "[" + number(ci[0]) + "," + number(ci[1]) + "]";
  }

  private static String list(List<Double> values) {
    StringJoiner out = new StringJoiner(",", "[", "]");
    values.forEach(v -> out.add(number(v)));
    return out.toString();
  }
}
