package dev.grpcedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.config.TlsConfig;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.MovableClock;
import dev.grpcedge.testing.TestPki;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate inside {@code tls.expiry_warning} is warned about when the gateway starts and then once a day while
 * it keeps serving, not on every poll; one outside it is never warned about.
 */
class CertificateExpiryWarningTest {
  private static final TestPki PKI = TestPki.create("expiry warning test CA");

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final LogCapture log = LogCapture.of(CertificateReloader.class);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    log.close();
  }

  /** A reloader on a certificate valid for {@code validFor} from {@code clock}'s now, started (it polls hourly). */
  private CertificateReloader started(MovableClock clock, Duration validFor) {
    Instant now = clock.instant();
    Path[] files = PKI.issueServer(TestPki.ecKeys(), now.minus(Duration.ofHours(1)), now.plus(validFor))
        .write(dir, "server");
    TlsConfig config = new TlsConfig(files[0], files[1], TlsConfig.Provider.JDK, false, Duration.ofHours(1),
        Duration.ofDays(14), TlsConfig.ClientAuth.NONE, null);
    CertificateReloader reloader = CertificateReloader.create(config, SslProvider.JDK, clock);
    reloader.start(scheduler);
    return reloader;
  }

  private List<String> warnings() {
    return log.lines().stream().filter(line -> line.startsWith("WARN") && line.contains("days left")).toList();
  }

  @Test
  void aCertificateExpiringSoonIsWarnedAboutAtStartAndOnceADayAfter() {
    MovableClock clock = new MovableClock(Instant.now());
    try (CertificateReloader reloader = started(clock, Duration.ofDays(10).plusMinutes(30))) {
      assertEquals(1, warnings().size(), log.lines().toString());
      assertTrue(warnings().get(0).contains("(10 days left, tls.expiry_warning is 14d)"), warnings().get(0));

      for (int hour = 1; hour < 24; hour++) {
        clock.advance(Duration.ofHours(1));
        reloader.poll();
      }
      assertEquals(1, warnings().size(), "no second warning within the day");

      clock.advance(Duration.ofHours(1));
      reloader.poll();
      assertEquals(2, warnings().size());
      assertTrue(warnings().get(1).contains("(9 days left"), warnings().get(1));

      clock.advance(Duration.ofHours(1));
      reloader.poll();
      clock.advance(Duration.ofDays(1));
      reloader.poll();
      assertEquals(3, warnings().size());
      assertTrue(warnings().get(2).contains("(7 days left"), warnings().get(2));
    }
  }

  @Test
  void aCertificateOutsideTheWarningPeriodIsNotWarnedAbout() {
    MovableClock clock = new MovableClock(Instant.now());
    try (CertificateReloader reloader = started(clock, Duration.ofDays(30))) {
      for (int day = 0; day < 3; day++) {
        clock.advance(Duration.ofDays(1));
        reloader.poll();
      }
      assertEquals(List.of(), warnings());
      // 15 days and an hour left: one more day brings it inside the 14-day period, and the next poll warns.
      clock.advance(Duration.ofDays(12));
      reloader.poll();
      assertEquals(List.of(), warnings());
      clock.advance(Duration.ofDays(1));
      reloader.poll();
      assertEquals(1, warnings().size());
    }
  }
}
