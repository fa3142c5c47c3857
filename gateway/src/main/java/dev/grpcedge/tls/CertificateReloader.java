package dev.grpcedge.tls;

import dev.grpcedge.config.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the listener's TLS context in step with its files. Every {@code tls.reload_interval} it fingerprints the
 * certificate, key and client CA files ({@link FileFingerprint}); after a change it loads and checks them all
 * ({@link TlsMaterial#load}) and only then swaps a new context into the {@link ReloadingSslContext}. On any failure
 * the old material keeps serving and the reason is logged once; a half-written pair (key replaced, certificate not
 * yet) fails the key-match check and is retried on the next poll, so it is never served.
 */
public final class CertificateReloader implements AutoCloseable {
  private final java.util.concurrent.atomic.AtomicLong reloads = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong refusedReloads = new java.util.concurrent.atomic.AtomicLong();
  private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);
  private static final Duration WARN_EVERY = Duration.ofDays(1);

  private final TlsConfig config;
  private final SslProvider provider;
  private final Clock clock;
  private final List<java.nio.file.Path> files;
  private final ReloadingSslContext context;
  private final ReloadingSslContext webContext;
  private volatile CertificateStatus status;
  private FileFingerprint served;
  private FileFingerprint lastFailure;
  private Instant lastExpiryWarning = Instant.MIN;
  private ScheduledFuture<?> polling;

  private CertificateReloader(TlsConfig config, SslProvider provider, Clock clock) {
    this.config = config;
    this.provider = provider;
    this.clock = clock;
    this.files = TlsMaterial.files(config);
    this.served = FileFingerprint.of(files);
    Instant now = clock.instant();
    TlsMaterial material = TlsMaterial.load(config, now);
    this.context = new ReloadingSslContext(build(material, TlsContexts.Alpn.GRPC));
    // The web listener serves the same material, offering http/1.1 beside h2 for browsers.
    this.webContext = new ReloadingSslContext(build(material, TlsContexts.Alpn.WEB));
    this.status = CertificateStatus.of(material.certificate().leaf(), now);
  }

  /** Loads and checks the configured files; throws {@link TlsException} when they cannot serve. */
  public static CertificateReloader create(TlsConfig config, SslProvider provider) {
    return create(config, provider, Clock.systemUTC());
  }

  /** As {@link #create(TlsConfig, SslProvider)}, telling the time (validity, expiry warnings) by {@code clock}. */
  static CertificateReloader create(TlsConfig config, SslProvider provider, Clock clock) {
    return new CertificateReloader(config, provider, clock);
  }

  /** The context to give the server; its engines always come from the newest good material. */
  public SslContext sslContext() {
    return context;
  }

  /** The same certificate for the web listener (ALPN h2 and http/1.1), reloaded with the gRPC listener's. */
  public SslContext webSslContext() {
    return webContext;
  }

  /** The certificate new handshakes are served with. */
  /** Reloads that took since start. */
  public long reloads() {
    return reloads.get();
  }

  /** Changed files that were refused (a bad or mismatched pair), once per change, since start. */
  public long refusedReloads() {
    return refusedReloads.get();
  }

  public CertificateStatus status() {
    return status;
  }

  /** Starts polling the files on {@code scheduler}, and warns now if the certificate expires soon. */
  public synchronized void start(ScheduledExecutorService scheduler) {
    warnIfExpiringSoon(true);
    long millis = config.reloadInterval().toMillis();
    polling = scheduler.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule and silently end reloading.
      log.error("TLS reload check failed unexpectedly; will retry", e);
    }
  }

  /** Checks the files once; reloads when they changed. Returns true when new material was swapped in. */
  synchronized boolean poll() {
    FileFingerprint now = FileFingerprint.of(files);
    if (now.equals(served)) {
      warnIfExpiringSoon(false);
      return false;
    }
    TlsMaterial material;
    SslContext next;
    SslContext nextWeb;
    try {
      material = TlsMaterial.load(config, clock.instant());
      next = build(material, TlsContexts.Alpn.GRPC);
      nextWeb = build(material, TlsContexts.Alpn.WEB);
    } catch (RuntimeException e) {
      // TlsException names the file; anything else (e.g. from the TLS provider) is refused the same way.
      if (!now.equals(lastFailure)) {
        log.warn("TLS files changed but cannot be used, still serving certificate serial {} (expires {}): {}",
            status.serial(), status.notAfter(), e.getMessage());
        lastFailure = now;
        refusedReloads.incrementAndGet();
      }
      return false;
    }
    // Status first: once a client can be handed the new certificate, status() already names it.
    CertificateStatus previous = status;
    status = CertificateStatus.of(material.certificate().leaf(), clock.instant());
    context.swap(next);
    webContext.swap(nextWeb);
    served = now;
    lastFailure = null;
    reloads.incrementAndGet();
    log.info("TLS reloaded: certificate {} serial {} expires {} (was serial {}){}", status.subject(), status.serial(),
        status.notAfter(), previous.serial(),
        config.clientAuth() == TlsConfig.ClientAuth.NONE ? "" : "; client CAs: " + material.clientCas().size());
    warnIfExpiringSoon(true);
    return true;
  }

  private void warnIfExpiringSoon(boolean force) {
    Instant now = clock.instant();
    if (!force && now.isBefore(lastExpiryWarning.plus(WARN_EVERY))) {
      return;
    }
    if (status.notAfter().isBefore(now.plus(config.expiryWarning()))) {
      log.warn("TLS certificate serial {} expires {} ({} days left, tls.expiry_warning is {}): rotate it, e.g. "
          + "scripts/rotate-server-cert", status.serial(), status.notAfter(), status.daysLeft(now),
          dev.grpcedge.config.Durations.format(config.expiryWarning()));
      lastExpiryWarning = now;
    }
  }

  private SslContext build(TlsMaterial material, TlsContexts.Alpn alpn) {
    return TlsContexts.server(material.certificate(), provider, config.clientAuth(), material.clientCas(), alpn);
  }

  /** Stops polling; established connections are not affected. */
  @Override
  public synchronized void close() {
    if (polling != null) {
      polling.cancel(false);
    }
  }
}
