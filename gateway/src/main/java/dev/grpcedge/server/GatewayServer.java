package dev.grpcedge.server;

import dev.grpcedge.auth.AuthContext;
import dev.grpcedge.auth.AuthenticationInterceptor;
import dev.grpcedge.auth.AuthorizationInterceptor;
import dev.grpcedge.auth.IssuerKeys;
import dev.grpcedge.auth.JwtVerifier;
import dev.grpcedge.auth.LastToken;
import dev.grpcedge.auth.MethodPolicy;
import dev.grpcedge.auth.RuleCoverage;
import dev.grpcedge.auth.StreamExpiryInterceptor;
import dev.grpcedge.config.Durations;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.config.LimitsConfig;
import dev.grpcedge.defence.ConnectionGuard;
import dev.grpcedge.defence.DefenceLog;
import dev.grpcedge.defence.GuardedTls;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.limits.Buckets;
import dev.grpcedge.limits.CallerLimiter;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.observe.AccessLogWriter;
import dev.grpcedge.observe.CallOutcomes;
import dev.grpcedge.observe.GatewayMetrics;
import dev.grpcedge.route.IdentityTokens;
import dev.grpcedge.route.RouteRegistry;
import dev.grpcedge.route.SigningKeys;
import dev.grpcedge.route.Upstream;
import dev.grpcedge.tls.CertificateReloader;
import dev.grpcedge.tls.CertificateStatus;
import dev.grpcedge.tls.PeerCertificates;
import dev.grpcedge.tls.TlsContexts;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one TLS listener serving the Greeter and health, behind the access log, authentication
 * and authorization. Built only from a checked {@link GatewayConfig}; every file is read and checked before the
 * port is bound, so a bad certificate or key source stops start-up instead of failing calls.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  /** Where the web listener publishes the identity tokens' public keys. */
  public static final String JWKS_PATH = "/.well-known/jwks.json";

  /** Calls that may wait for their new token to be verified before more are refused. */
  static final int OFFLOAD_QUEUE = 1024;

  private final Server server;
  private final HealthStatusManager health;
  private final GreeterService greeter;
  private final Duration grace;
  private final CertificateReloader tls;
  private final Web web;
  private final Admin admin;
  private final CallerLimiter limiter;
  private final ConnectionGuard connections;
  private final Resources resources;

  private GatewayServer(Server server, HealthStatusManager health, GreeterService greeter, Duration grace,
      CertificateReloader tls, Web web, Admin admin, CallerLimiter limiter, ConnectionGuard connections,
      Resources resources) {
    this.admin = admin;
    this.server = server;
    this.health = health;
    this.greeter = greeter;
    this.grace = grace;
    this.tls = tls;
    this.web = web;
    this.limiter = limiter;
    this.connections = connections;
    this.resources = resources;
  }

  /** Checks every file the config names, binds the listener and starts serving. */
  public static GatewayServer start(GatewayConfig config) {
    // Before anything is opened: a rule that matches nothing is a typo that would silently drop its scopes, and
    // a config that leaves every method open must say it means it.
    List<RuleCoverage.MethodAccess> access = ServedMethods.access(config);
    List<String> uncovered = RuleCoverage.uncovered(access);
    Resources resources = new Resources();
    try {
      return start(config, access, uncovered, resources);
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  private static GatewayServer start(GatewayConfig config, List<RuleCoverage.MethodAccess> access,
      List<String> uncovered, Resources resources) {
    SslProvider provider = TlsContexts.provider(config.tls());
    // Registered first, closed last: the last calls' lines are written after every call has ended.
    // As many lines as the asynchronous appender used to queue before callers wait.
    AccessLogWriter accessLines = AccessLogWriter.start(8192);
    resources.add(accessLines, accessLines::close);
    // Loads and checks the certificate, key and client CAs now; later changes to the files are hot-reloaded.
    CertificateReloader tls = CertificateReloader.create(config.tls(), provider);
    resources.add(tls, tls::close);
    IssuerKeys keys = IssuerKeys.open(config.auth());
    resources.add(keys, keys::close);
    // Fetch remote key sets before the first call; a provider that is down only delays its own issuer's calls.
    keys.warm();
    JwtVerifier verifier = JwtVerifier.create(config.auth(), keys.byIssuer(), Clock.systemUTC());
    MethodPolicy policy = MethodPolicy.from(config.auth().rules());

    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, daemonThreads("grpc-edge-streams"));
    resources.add(scheduler, scheduler::shutdownNow);
    ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(daemonThreads("grpc-edge-tls-reload"));
    resources.add(reloads, reloads::shutdownNow);
    GreeterService greeter = new GreeterService(scheduler);
    HealthStatusManager health = new HealthStatusManager();
    // Calls run on their connection's event loop (grpc-java's advice for handlers that never block: a hand-off
    // to another thread costs as much as the rest of a small call). Verifying a token not seen before may wait
    // for its issuer's keys (bounded by keys.http_timeout), so AuthenticationInterceptor does that on the
    // offload pool.
    ExecutorService offload = offloadPool();
    resources.add(offload, offload::shutdownNow);
    Buckets buckets = CallerLimiter.store(config.limits());
    resources.add(buckets, buckets::close);

    // Connections are counted across both listeners; each one's HTTP/2 defences and summary line are its own.
    DefenceLog defenceLog = new DefenceLog();
    ConnectionGuard connections = new ConnectionGuard(config.limits().connections(), defenceLog);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(config.listen().toSocketAddress(),
            GuardedTls.credentials(tls.sslContext(), connections, config.limits(), defenceLog))
        .directExecutor()
        // Authentication leaves the principal in a slot of the call's own context.
        .addStreamTracerFactory(AuthContext.slots());
    // Per connection rather than per call: the client certificate, the access line's connection fields (after
    // the certificate, which they name), and the last token verified. The web listener runs the same filters on
    // each browser connection.
    List<ServerTransportFilter> transportFilters =
        List.of(new PeerCertificates(), AccessLogInterceptor.connectionFilter(), LastToken.filter());
    transportFilters.forEach(builder::addTransportFilter);
    TransportLimits.apply(builder, config.limits());
    // Runs first to last: access log -> authentication -> caller limits -> authorization -> stream expiry ->
    // service. Limits come after authentication, which names the caller, and before anything else is spent.
    // With an admin listener, the access log's record of each call is read by the metrics too.
    GatewayMetrics metrics = config.admin().enabled() ? GatewayMetrics.create() : null;
    if (metrics != null) {
      resources.add(metrics, metrics::close);
      metrics.instrument(builder);
    }
    var accessLog = new AccessLogInterceptor(accessLines, metrics == null ? CallOutcomes.NONE : metrics,
        config.accessFormat() == GatewayConfig.AccessFormat.JSON);
    var authentication = new AuthenticationInterceptor(verifier, policy, config.auth().maxTokenBytes(), offload);
    var limiter = new CallerLimiter(config.limits(), buckets, scheduler);
    var authorization = new AuthorizationInterceptor(policy);
    var streamExpiry = new StreamExpiryInterceptor(policy, config.auth().clockSkew(), scheduler, Clock.systemUTC());
    // The one chain, for every way in and every method: built-in services, routed methods (the fallback registry)
    // and unknown ones alike, installed on the builder, which covers fallback methods too. gRPC-Web goes through
    // the same chain on the web bridge's in-process server.
    List<ServerInterceptor> chain = List.of(streamExpiry, authorization, limiter, authentication, accessLog);
    chain.forEach(builder::intercept);
    // Routed services replace built-in ones of the same name.
    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    config.upstreams().forEach((name, upstreamConfig) -> {
      Upstream upstream = Upstream.open(name, upstreamConfig, metrics == null ? b -> { } : metrics::instrument);
      resources.add(upstream, upstream::close);
      upstreams.put(name, upstream);
    });
    SigningKeys identityKeys = config.identity().enabled() ? SigningKeys.load(config.identity(), Clock.systemUTC())
        : null;
    IdentityTokens identity = identityKeys == null ? null
        : new IdentityTokens(identityKeys, config.identity(), Clock.systemUTC());
    RouteRegistry routes = new RouteRegistry(config.routes(), upstreams, identity);
    List<ServerServiceDefinition> services = new java.util.ArrayList<>();
    for (ServerServiceDefinition service : List.of(greeter.bindService(), health.getHealthService().bindService())) {
      if (!routes.routes(service.getServiceDescriptor().getName() + "/*")) {
        services.add(service);
      }
    }
    services.add(ReflectionServer.start(services, routes, identity, resources).bindService());
    services.forEach(builder::addService);
    builder.fallbackHandlerRegistry(routes);
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(BindFailures.describe(config.listen(), e), e);
    }
    resources.add(server, () -> {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    });
    Web web;
    try {
      web = Web.start(config, tls, services, chain, routes, transportFilters, connections, defenceLog,
          identityKeys == null ? Map.of() : Map.of(JWKS_PATH, identityKeys::jwksJson));
    } catch (IOException e) {
      throw new UncheckedIOException(BindFailures.describe(config.web().listen(), e), e);
    }
    if (web != null) {
      resources.add(web, web::close);
    }
    Admin admin = null;
    if (metrics != null) {
      try {
        admin = Admin.start(config, metrics, health, connections, defenceLog, tls, upstreams, keys, verifier);
      } catch (IOException e) {
        throw new UncheckedIOException(BindFailures.describe(config.admin().listen(), e), e);
      }
      resources.add(admin, admin::close);
    }
    health.setStatus("", ServingStatus.SERVING);
    ServiceHealth.start(health, services, routes.upstreamByService());
    if (!uncovered.isEmpty()) {
      log.info("no auth rule names {}: {} need a valid token with any scope", uncovered.size() == 1 ? "this method"
          : "these methods", String.join(", ", uncovered));
    }
    CertificateStatus cert = tls.status();
    log.info("grpc-edge listening on {} (TLS {} with {}, ALPN h2; certificate {} serial {} expires {}; "
            + "client certificates {}; files checked every {})",
        server.getListenSockets().get(0), String.join("/", TlsContexts.PROTOCOLS), TlsContexts.describe(provider),
        cert.subject(), cert.serial(), cert.notAfter(), config.tls().clientAuth().name().toLowerCase(java.util.Locale.ROOT),
        Durations.format(config.tls().reloadInterval()));
    if (web != null) {
      log.info("web listener (gRPC-Web) on {} (TLS with the same certificate, ALPN h2 and http/1.1; origins {})",
          Web.address(config, web), config.web().allowedOrigins().isEmpty() ? "none" : config.web().allowedOrigins());
    }
    log.info("limits: {} rule(s) per caller, buckets {}; connections at most {} per IP and {} in all",
        config.limits().callers().size(), config.limits().store() == LimitsConfig.Store.REDIS
            ? "in Redis at " + config.limits().redis().address() : "in this gateway",
        config.limits().connections().perIp(), config.limits().connections().total());
    if (admin != null) {
      log.info("admin listener on http://{}:{}/metrics (plaintext){}", config.admin().listen().host(), admin.port(),
          admin.healthPort() < 0 ? "" : "; grpc.health.v1 in plaintext on " + config.admin().healthListen().host()
              + ":" + admin.healthPort());
    }
    tls.start(reloads);
    if (identityKeys != null) {
      long every = config.tls().reloadInterval().toMillis();
      reloads.scheduleWithFixedDelay(identityKeys::reload, every, every, TimeUnit.MILLISECONDS);
      log.info("routed calls carry an identity token (iss {}, key {}); public keys at https://{}{}",
          config.identity().issuer(), identityKeys.signer().getKeyID(),
          web == null ? "(no web listener: web.listen publishes them)" : Web.address(config, web), JWKS_PATH);
    }
    return new GatewayServer(server, health, greeter, config.shutdownGrace(), tls, web, admin, limiter, connections,
        resources);
  }

  /** The full names of the methods this server serves, as bound. */
  public List<String> servedMethods() {
    return server.getImmutableServices().stream().flatMap(s -> s.getMethods().stream())
        .map(m -> m.getMethodDescriptor().getFullMethodName()).toList();
  }

  /** The web listener's port, or -1 without one. */
  public int webPort() {
    return web == null ? -1 : web.listener().port();
  }

  /** The plaintext health port ({@code admin.health_listen}), or -1 without one. */
  public int healthPort() {
    return admin == null ? -1 : admin.healthPort();
  }

  /** The admin listener's port, or -1 without one. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public GreeterService greeter() {
    return greeter;
  }

  /** The serving certificate (subject, serial, expiry, {@code daysLeft()}), for health checks and metrics. */
  public CertificateStatus tls() {
    return tls.status();
  }

  /**
   * Drains: health turns NOT_SERVING, new calls are refused (GOAWAY), in-flight calls get the grace period to
   * finish, and whatever is still running then is cancelled. Returns true when everything finished in time.
   */
  public boolean drain() {
    log.info("draining: refusing new calls, waiting up to {} for in-flight calls", Durations.format(grace));
    health.enterTerminalState();
    if (web != null) {
      // No new browser connection, and no new call on those open (UNAVAILABLE); bridged calls in flight finish
      // within the same grace as native ones.
      web.listener().stopAccepting();
      web.inProcess().shutdown();
    }
    server.shutdown();
    long deadline = System.nanoTime() + grace.toNanos();
    boolean clean;
    try {
      clean = server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS) && (web == null
          || web.inProcess().awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = false;
    }
    if (!clean) {
      log.warn("grace period of {} is over; cancelling the calls still running", Durations.format(grace));
    }
    // Cancels what is left, then closes the rest in reverse order of opening; the access log last.
    resources.close();
    log.info("grpc-edge stopped");
    return clean;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops at once, cancelling in-flight calls. Closing twice is harmless. */
  @Override
  public void close() {
    resources.close();
  }

  /** Connections held now, on both listeners. */
  public int openConnections() {
    return connections.open();
  }

  /** Per-caller limit checks that failed because the store could not be reached, since start. */
  public long limitStoreFailures() {
    return limiter.storeFailures();
  }

  /**
   * Where new tokens are verified: a few threads, since a verification is tens of microseconds of CPU unless it
   * waits for keys, and a bounded queue, so a flood of made-up tokens while the identity provider is slow is
   * refused (UNAVAILABLE) once {@value #OFFLOAD_QUEUE} wait, rather than given a thread each.
   */
  private static ExecutorService offloadPool() {
    int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(OFFLOAD_QUEUE), daemonThreads("grpc-edge-offload"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }
}
