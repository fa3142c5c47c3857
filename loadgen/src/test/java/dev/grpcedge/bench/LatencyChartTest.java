package dev.grpcedge.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart is drawn from the percentile tables that reports write. */
class LatencyChartTest {
  @TempDir Path dir;

  @Test
  void writesAPngFromPercentileTables() throws Exception {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 10_000; i++) {
      h.recordValue(100 + i % 900);
    }
    BenchReport report = new BenchReport("a", "t", "SayHello", "closed", 1, 1, 10_000, Map.<Status.Code, Long>of(), h, Double.NaN);
    Path table = Files.writeString(dir.resolve("a.tsv"), report.percentileTable());
    Path png = dir.resolve("chart.png");
    System.setProperty("java.awt.headless", "true");
    new LatencyChart("test").add("a", table).writePng(png);
    byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, magic);
  }

  @Test
  void axisLabelsNameWholeNinesOnly() {
    assertEquals("p0", LatencyChart.percentileLabel(0.0));
    assertEquals("p90", LatencyChart.percentileLabel(1.0));
    assertEquals("p99", LatencyChart.percentileLabel(2.0));
    assertEquals("p99.9", LatencyChart.percentileLabel(3.0));
    assertEquals("p99.999", LatencyChart.percentileLabel(5.0));
    assertEquals("", LatencyChart.percentileLabel(2.5));
  }
}
