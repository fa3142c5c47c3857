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
import dev.grpcedge.config.ListenAddress;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.observe.AccessLogWriter;
import dev.grpcedge.tls.CertificateReloader;
import dev.grpcedge.tls.CertificateStatus;
import dev.grpcedge.tls.PeerCertificates;
import dev.grpcedge.tls.TlsContexts;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

  /** Calls that may wait for their new token to be verified before more are refused. */
  static final int OFFLOAD_QUEUE = 1024;

  private final Server server;
  private final HealthStatusManager health;
  private final ScheduledExecutorService scheduler;
  private final GreeterService greeter;
  private final Duration grace;
  private final CertificateReloader tls;
  private final ScheduledExecutorService reloads;
  private final IssuerKeys keys;
  private final AccessLogWriter accessLines;
  private final ExecutorService offload;
  private final Web web;

  private GatewayServer(Server server, HealthStatusManager health, ScheduledExecutorService scheduler,
      GreeterService greeter, Duration grace, CertificateReloader tls, ScheduledExecutorService reloads,
      IssuerKeys keys, AccessLogWriter accessLines, ExecutorService offload, Web web) {
    this.web = web;
    this.tls = tls;
    this.reloads = reloads;
    this.server = server;
    this.health = health;
    this.scheduler = scheduler;
    this.greeter = greeter;
    this.grace = grace;
    this.keys = keys;
    this.accessLines = accessLines;
    this.offload = offload;
  }

  /** Checks every file the config names, binds the listener and starts serving. */
  public static GatewayServer start(GatewayConfig config) {
    // Before anything is opened: a rule that matches nothing is a typo that would silently drop its scopes.
    List<String> uncovered = RuleCoverage.uncovered(methodAccess(config));
    SslProvider provider = TlsContexts.provider(config.tls());
    // Loads and checks the certificate, key and client CAs now; later changes to the files are hot-reloaded.
    CertificateReloader tls = CertificateReloader.create(config.tls(), provider);
    IssuerKeys keys = IssuerKeys.open(config.auth());
    // Fetch remote key sets before the first call; a provider that is down only delays its own issuer's calls.
    keys.warm();
    JwtVerifier verifier = JwtVerifier.create(config.auth(), keys.byIssuer(), Clock.systemUTC());
    MethodPolicy policy = MethodPolicy.from(config.auth().rules());

    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, daemonThreads("grpc-edge-streams"));
    ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(daemonThreads("grpc-edge-tls-reload"));
    GreeterService greeter = new GreeterService(scheduler);
    HealthStatusManager health = new HealthStatusManager();

    // Calls run on their connection's event loop (grpc-java's advice for handlers that never block: a hand-off
    // to another thread costs as much as the rest of a small call). Verifying a token not seen before may wait
    // for its issuer's keys (bounded by keys.http_timeout), so AuthenticationInterceptor does that on the
    // offload pool.
    ExecutorService offload = offloadPool();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(config.listen().toSocketAddress())
        .sslContext(tls.sslContext())
        .directExecutor()
        // Authentication leaves the principal in a slot of the call's own context.
        .addStreamTracerFactory(AuthContext.slots());
    // Per connection rather than per call: the client certificate, the access line's connection fields (after
    // the certificate, which they name), and the last token verified. The web listener runs the same filters on
    // each browser connection.
    List<ServerTransportFilter> transportFilters =
        List.of(new PeerCertificates(), AccessLogInterceptor.connectionFilter(), LastToken.filter());
    transportFilters.forEach(builder::addTransportFilter);
    applyLimits(builder, config.limits());
    // Runs first to last: access log -> authentication -> authorization -> stream expiry -> service.
    // As many lines as the asynchronous appender used to queue before callers wait.
    AccessLogWriter accessLines = AccessLogWriter.start(8192);
    var accessLog = new AccessLogInterceptor(accessLines);
    var authentication = new AuthenticationInterceptor(verifier, policy, config.auth().maxTokenBytes(), offload);
    var authorization = new AuthorizationInterceptor(policy);
    var streamExpiry = new StreamExpiryInterceptor(policy, config.auth().clockSkew(), scheduler, Clock.systemUTC());
    // The one chain, for every way in: native gRPC here, gRPC-Web through the web bridge's in-process server.
    List<ServerServiceDefinition> services = new java.util.ArrayList<>();
    for (ServerServiceDefinition service : List.of(greeter.bindService(), health.getHealthService().bindService())) {
      services.add(ServerInterceptors.intercept(service, streamExpiry, authorization, authentication, accessLog));
    }
    services.forEach(builder::addService);
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      scheduler.shutdownNow();
      reloads.shutdownNow();
      offload.shutdownNow();
      keys.close();
      accessLines.close();
      throw new UncheckedIOException(bindFailure(config.listen(), e), e);
    }
    Web web;
    try {
      web = Web.start(config, tls, services, transportFilters);
    } catch (IOException e) {
      server.shutdownNow();
      scheduler.shutdownNow();
      reloads.shutdownNow();
      offload.shutdownNow();
      keys.close();
      accessLines.close();
      throw new UncheckedIOException(bindFailure(config.web().listen(), e), e);
    }
    health.setStatus("", ServingStatus.SERVING);
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
    tls.start(reloads);
    return new GatewayServer(server, health, scheduler, greeter, config.shutdownGrace(), tls, reloads, keys,
        accessLines, offload, web);
  }

  private static void applyLimits(NettyServerBuilder builder, LimitsConfig limits) {
    builder.maxInboundMessageSize(limits.maxInboundMessageBytes())
        .maxInboundMetadataSize(limits.maxMetadataBytes())
        .maxConcurrentCallsPerConnection(limits.maxConcurrentStreams())
        .maxConnectionIdle(limits.maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS)
        .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        // Refuse clients that ping faster than this: a ping flood is a cheap way to burn an edge's CPU.
        .permitKeepAliveTime(20, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(false);
  }

  /** What a user can act on when the port cannot be bound: grpc-java says only "Failed to bind to address". */
  static String bindFailure(ListenAddress listen, IOException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (c instanceof java.net.BindException && m.contains("in use")) {
        return "address " + listen + " is already in use (is another gateway running? stop it, or choose another"
            + " address with --listen or GRPC_EDGE_LISTEN)";
      }
      if (c instanceof java.net.BindException && m.contains("assign")) {
        return "cannot listen on " + listen + ": no network interface of this machine has that address";
      }
      if (c instanceof java.net.BindException && m.contains("denied")) {
        return "cannot listen on " + listen + ": permission denied (ports below 1024 need privileges)";
      }
    }
    return "cannot listen on " + listen + ": " + e.getMessage();
  }

  /**
   * Every method the gateway serves, with what the config's rules require of its callers.
   *
   * @throws dev.grpcedge.config.ConfigException when a rule's pattern matches no served method
   */
  public static List<RuleCoverage.MethodAccess> methodAccess(GatewayConfig config) {
    return RuleCoverage.check(config.auth().rules(), SERVED);
  }

  /** The services {@link #start} binds, for checking rules before anything is bound. */
  static final List<ServiceDescriptor> SERVED =
      List.of(GreeterGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor());

  /** The full names of the methods this server serves, as bound. */
  public List<String> servedMethods() {
    return server.getImmutableServices().stream().flatMap(s -> s.getMethods().stream())
        .map(m -> m.getMethodDescriptor().getFullMethodName()).toList();
  }

  /** The web listener's port, or -1 without one. */
  public int webPort() {
    return web == null ? -1 : web.listener().port();
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
      server.shutdownNow();
      if (web != null) {
        web.inProcess().shutdownNow();
      }
    }
    if (web != null) {
      web.close();
    }
    scheduler.shutdownNow();
    reloads.shutdownNow();
    offload.shutdownNow();
    keys.close();
    // After the server has ended every call, so the last calls' lines are written too.
    accessLines.close();
    log.info("grpc-edge stopped");
    return clean;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops at once, cancelling in-flight calls. */
  @Override
  public void close() {
    if (web != null) {
      web.close();
    }
    server.shutdownNow();
    scheduler.shutdownNow();
    reloads.shutdownNow();
    keys.close();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    offload.shutdownNow();
    accessLines.close();
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
