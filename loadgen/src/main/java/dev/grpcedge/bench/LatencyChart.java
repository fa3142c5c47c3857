package dev.grpcedge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The latency-percentile chart: one curve per run, latency against percentile on the usual HdrHistogram axis, in
 * "nines" ({@code log10(1 / (1 - p))}: 1 is p90, 2 is p99, 3 is p99.9), so the tail from p90 to p99.9 gets as much
 * room as the median.
 */
public final class LatencyChart {
  private final Map<String, Path> runs = new LinkedHashMap<>();
  private final String title;

  public LatencyChart(String title) {
    this.title = title;
  }

  /** Adds a curve from a {@link BenchReport#percentileTable()} file. */
  public LatencyChart add(String label, Path percentileTable) {
    runs.put(label, percentileTable);
    return this;
  }

  /** Writes the PNG to {@code png} (via a temporary file beside it). */
  public void writePng(Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(540).title(title)
        .xAxisTitle("percentile").yAxisTitle("latency (ms)").build();
    // A linear axis of nines rather than XChart's logarithmic axis, which labelled only its two ends (p0, p99.999).
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(5.0);
    chart.getStyler().setXAxisTickMarkSpacingHint(150);
    chart.getStyler().setxAxisTickLabelsFormattingFunction(LatencyChart::percentileLabel);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    for (Map.Entry<String, Path> run : runs.entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (String line : Files.readAllLines(run.getValue())) {
        String[] cells = line.split("\t");
        if (cells.length != 2 || !Character.isDigit(cells[0].charAt(0))) {
          continue;
        }
        double percentile = Double.parseDouble(cells[0]);
        if (percentile >= 99.999) {
          break;
        }
        x.add(Math.log10(1 / (1 - percentile / 100)));
        y.add(Double.parseDouble(cells[1]));
      }
      if (!x.isEmpty()) {
        XYSeries series = chart.addSeries(run.getKey(), x, y);
        series.setMarker(SeriesMarkers.NONE);
      }
    }
    Path dir = png.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, png.getFileName().toString(), ".tmp.png");
    BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
    Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Whole nines only: 0 -> "p0", 1 -> "p90", 2 -> "p99", 3 -> "p99.9"; "" between them. */
  static String percentileLabel(Double nines) {
    if (Math.abs(nines - Math.rint(nines)) > 1e-6 || nines < 0) {
      return "";
    }
    int n = (int) Math.rint(nines);
    return switch (n) {
      case 0 -> "p0";
      case 1 -> "p90";
      case 2 -> "p99";
      default -> "p99." + "9".repeat(n - 2);
    };
  }
}
